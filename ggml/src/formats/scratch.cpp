// Per-thread scratch memory for the kernels. Compiled without ISA flags: the
// kernel files must not instantiate std:: templates themselves (see
// x86/common.h).
#include "formats/scratch.h"

#include <cstdlib>
#include <memory>
#include <new>

namespace ggml {

namespace {

struct free_deleter {
    void operator()(void *p) const { std::free(p); }
};

// A buffer that only grows.
struct scratch_buffer {
    std::unique_ptr<void, free_deleter> memory;
    size_t capacity = 0;

    void *get(size_t bytes) {
        if (bytes > capacity) {
            const size_t rounded = (bytes + 4095) / 4096 * 4096;
            memory.reset(std::aligned_alloc(64, rounded));
            capacity = memory ? rounded : 0;
            if (!memory) throw std::bad_alloc(); // ggml_graph_compute reports it
        }
        return memory.get();
    }
};

} // namespace

void *kernel_scratch(size_t bytes) {
    thread_local scratch_buffer buffer;
    return buffer.get(bytes);
}

void *packing_scratch(size_t bytes) {
    thread_local scratch_buffer buffer;
    return buffer.get(bytes);
}

} // namespace ggml
