// Softmax over rows, with a scale and an optional causal mask: row i1 of
// [n_kv, n_tokens, ...] is the query at position n_past + i1 and sees keys
// 0 ..= n_past + i1.
#include "cpu/ops.h"

#include <cmath>

namespace ggml::cpu {

void forward_soft_max(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const float scale = param_f32(dst, 0);
    const bool causal = dst->op_params[1] != 0;
    const int64_t n_past = dst->op_params[2];
    const int64_t n = a->ne[0];
    const auto [begin, end] = split_rows(ggml_nrows(dst), p);
    for (int64_t r = begin; r < end; r++) {
        const auto *x = reinterpret_cast<const float *>(row_ptr(a, r));
        auto *out = reinterpret_cast<float *>(row_ptr(dst, r));
        const int64_t n_seen = causal ? std::min(n, n_past + r % a->ne[1] + 1) : n;
        float max = -INFINITY;
        for (int64_t i = 0; i < n_seen; i++) {
            out[i] = x[i] * scale;
            max = std::max(max, out[i]);
        }
        float sum = 0.0f;
        for (int64_t i = 0; i < n_seen; i++) {
            out[i] = std::exp(out[i] - max);
            sum += out[i];
        }
        for (int64_t i = 0; i < n_seen; i++) out[i] /= sum;
        for (int64_t i = n_seen; i < n; i++) out[i] = 0.0f;
    }
}

} // namespace ggml::cpu
