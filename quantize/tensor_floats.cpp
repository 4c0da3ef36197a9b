#include "tensor_floats.h"

#include "parallel_rows.h"
#include "string_printf.h"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace quantize {

namespace {

// Throws, naming the first row (and its column) that holds a value that is
// not finite.
void refuse_non_finite(const llama::gguf_tensor &t, const float *x, int64_t nrows,
                       int64_t n_per_row, int n_threads) {
    std::atomic<int64_t> first_bad{nrows};
    auto finite_row = [&](int64_t r) {
        for (int64_t j = 0; j < n_per_row; j++)
            if (!std::isfinite(x[r * n_per_row + j])) return false;
        return true;
    };
    parallel_rows(nrows, n_threads, [&](int64_t first, int64_t end) {
        for (int64_t r = first; r < end && r < first_bad.load(std::memory_order_relaxed); r++) {
            if (finite_row(r)) continue;
            int64_t seen = first_bad.load(std::memory_order_relaxed);
            while (r < seen && !first_bad.compare_exchange_weak(seen, r)) {
            }
            return;
        }
    });
    const int64_t r = first_bad.load();
    if (r == nrows) return;
    int64_t j = 0;
    while (std::isfinite(x[r * n_per_row + j])) j++;
    throw std::runtime_error(llama::string_printf(
        "tensor '%s' row %lld column %lld is %g: weights that are not finite cannot be "
        "quantized (is the model broken?)",
        t.name.c_str(), (long long)r, (long long)j, double(x[r * n_per_row + j])));
}

} // namespace

const float *tensor_floats(const llama::gguf_tensor &t, std::vector<float> *buffer, int n_threads) {
    const int64_t n_per_row = t.ne[0], nrows = t.ne[1] * t.ne[2] * t.ne[3];
    const float *x;
    // (the reader refuses alignments that would place F32 data off the
    // float grid)
    if (t.type == GGML_TYPE_F32) {
        x = static_cast<const float *>(t.data);
    } else {
        buffer->resize(size_t(n_per_row * nrows));
        const size_t row_size = ggml_row_size(t.type, n_per_row);
        parallel_rows(nrows, n_threads, [&](int64_t first, int64_t end) {
            for (int64_t r = first; r < end; r++)
                ggml_dequantize_row(t.type,
                                    static_cast<const char *>(t.data) + size_t(r) * row_size,
                                    buffer->data() + r * n_per_row, n_per_row);
        });
        x = buffer->data();
    }
    refuse_non_finite(t, x, nrows, n_per_row, n_threads);
    return x;
}

} // namespace quantize
