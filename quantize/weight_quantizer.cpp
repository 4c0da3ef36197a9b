#include "weight_quantizer.h"

#include "parallel_rows.h"
#include "tensor_floats.h"

#include <stdexcept>

namespace quantize {

void round_to_nearest::quantize(const float_rows &w, ggml_type type, void *dst,
                                int n_threads) const {
    std::optional<std::vector<float>> columns;
    if (importance_ && ggml_quantize_uses_importance(type)) {
        columns = importance_->importance(std::string(w.name));
        if (columns && int64_t(columns->size()) != w.n_per_row)
            throw std::runtime_error(std::string(w.name) + ": the importance matrix has " +
                                     std::to_string(columns->size()) + " values for its " +
                                     std::to_string(w.n_per_row) +
                                     " columns (is it another model's?)");
    }
    const float *importance = columns ? columns->data() : nullptr;
    const size_t row_size = ggml_row_size(type, w.n_per_row);
    parallel_rows(w.nrows, n_threads, [&](int64_t first, int64_t end) {
        ggml_quantize_rows_weighted(type, w.data + first * w.n_per_row,
                                    static_cast<char *>(dst) + size_t(first) * row_size,
                                    end - first, w.n_per_row, importance);
    });
}

const void *stored_bytes(const llama::gguf_tensor &t, ggml_type type, const weight_quantizer &q,
                         int n_threads, std::vector<uint8_t> *buffer) {
    if (type == t.type && !q.transforms(t.name)) return t.data;
    std::vector<float> floats;
    const int64_t rows = t.ne[1] * t.ne[2] * t.ne[3];
    buffer->resize(size_t(rows) * ggml_row_size(type, t.ne[0]));
    q.quantize({t.name, tensor_floats(t, &floats, n_threads), rows, t.ne[0]}, type, buffer->data(),
               n_threads);
    return buffer->data();
}

} // namespace quantize
