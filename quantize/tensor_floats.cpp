#include "tensor_floats.h"

#include "parallel_rows.h"

#include <cstdint>

namespace quantize {

const float *tensor_floats(const llama::gguf_tensor &t, std::vector<float> *buffer, int n_threads) {
    // A file with an alignment below 4 may place F32 data off the float
    // grid; that data is copied (decoding F32 is a copy) rather than read in place.
    if (t.type == GGML_TYPE_F32 && reinterpret_cast<uintptr_t>(t.data) % alignof(float) == 0)
        return static_cast<const float *>(t.data);
    const int64_t n_per_row = t.ne[0], nrows = t.ne[1] * t.ne[2] * t.ne[3];
    buffer->resize(size_t(n_per_row * nrows));
    const size_t row_size = ggml_row_size(t.type, n_per_row);
    parallel_rows(nrows, n_threads, [&](int64_t first, int64_t end) {
        for (int64_t r = first; r < end; r++)
            ggml_dequantize_row(t.type, static_cast<const char *>(t.data) + size_t(r) * row_size,
                                buffer->data() + r * n_per_row, n_per_row);
    });
    return buffer->data();
}

} // namespace quantize
