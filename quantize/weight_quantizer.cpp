#include "weight_quantizer.h"

#include "parallel_rows.h"

namespace quantize {

void round_to_nearest::quantize(const float_rows &w, ggml_type type, void *dst,
                                int n_threads) const {
    const size_t row_size = ggml_row_size(type, w.n_per_row);
    parallel_rows(w.nrows, n_threads, [&](int64_t first, int64_t end) {
        ggml_quantize_rows(type, w.data + first * w.n_per_row,
                           static_cast<char *>(dst) + size_t(first) * row_size, end - first,
                           w.n_per_row);
    });
}

} // namespace quantize
