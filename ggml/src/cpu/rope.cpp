// Rotary position embedding on adjacent pairs (x[2i], x[2i+1]), the order of
// llama2.c and of GGUF llama models; angles computed as llama2.c does.
#include "cpu/ops.h"

#include <cmath>
#include <vector>

namespace ggml::cpu {

void forward_rope(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const auto *pos = static_cast<const int32_t *>(dst->src[1]->data);
    const int n_dims = dst->op_params[0];
    const float freq_base = param_f32(dst, 1);
    const int64_t head_dim = a->ne[0];
    // cos and sin of the current token's angles, shared by all its heads
    thread_local std::vector<float> cos_sin;
    cos_sin.resize(size_t(n_dims));
    int64_t cached_token = -1;
    const auto [begin, end] = split_rows(ggml_nrows(dst), p); // one row per (head, token)
    for (int64_t r = begin; r < end; r++) {
        const int64_t token = (r / a->ne[1]) % a->ne[2];
        if (token != cached_token) {
            for (int i = 0; i < n_dims; i += 2) {
                const float freq = 1.0f / std::pow(freq_base, float(i) / float(n_dims));
                const float angle = float(pos[token]) * freq;
                cos_sin[i] = std::cos(angle);
                cos_sin[i + 1] = std::sin(angle);
            }
            cached_token = token;
        }
        const auto *x = reinterpret_cast<const float *>(row_ptr(a, r));
        auto *out = reinterpret_cast<float *>(row_ptr(dst, r));
        for (int i = 0; i < n_dims; i += 2) {
            const float c = cos_sin[i], s = cos_sin[i + 1];
            const float x0 = x[i], x1 = x[i + 1];
            out[i] = x0 * c - x1 * s;
            out[i + 1] = x0 * s + x1 * c;
        }
        for (int64_t i = n_dims; i < head_dim; i++) out[i] = x[i];
    }
}

} // namespace ggml::cpu
