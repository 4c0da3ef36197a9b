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

} // namespace

void *kernel_scratch(size_t bytes) {
    thread_local std::unique_ptr<void, free_deleter> buffer;
    thread_local size_t capacity = 0;
    if (bytes > capacity) {
        const size_t rounded = (bytes + 4095) / 4096 * 4096;
        buffer.reset(std::aligned_alloc(64, rounded));
        capacity = buffer ? rounded : 0;
        if (!buffer) throw std::bad_alloc(); // ggml_graph_compute reports it
    }
    return buffer.get();
}

} // namespace ggml
