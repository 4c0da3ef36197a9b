// safetensors files: the header and its tensors, then every element of the
// float and int32 tensors read back through the accessors.
#include "checkpoints/safetensors.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const fuzz::memory_file file(data, size);
    std::string error;
    const auto st = convert::safetensors_file::open(file.path(), &error);
    if (!st) return 0;
    volatile float sink = 0.0f;
    for (const convert::st_tensor &t : st->tensors()) {
        const bool is_float = t.dtype == convert::st_dtype::F32 ||
                              t.dtype == convert::st_dtype::F16 ||
                              t.dtype == convert::st_dtype::BF16;
        for (int64_t i = 0; i < t.n_elements(); i++) {
            if (is_float) sink = sink + t.get_float(i);
            if (t.dtype == convert::st_dtype::I32) sink = sink + float(t.get_i32(i));
        }
    }
    return 0;
}
