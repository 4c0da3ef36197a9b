// RMSNorm: x / sqrt(mean(x^2) + eps), summed in float in element order as
// llama2.c does (the golden outputs come from it).
#include "cpu/ops.h"

#include <cmath>

namespace ggml::cpu {

void forward_rms_norm(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const float eps = param_f32(dst, 0);
    const int64_t n = a->ne[0];
    const auto [begin, end] = split_rows(ggml_nrows(dst), p);
    for (int64_t r = begin; r < end; r++) {
        const auto *x = reinterpret_cast<const float *>(row_ptr(a, r));
        auto *out = reinterpret_cast<float *>(row_ptr(dst, r));
        float ss = 0.0f;
        for (int64_t i = 0; i < n; i++) ss += x[i] * x[i];
        const float scale = 1.0f / std::sqrt(ss / float(n) + eps);
        for (int64_t i = 0; i < n; i++) out[i] = scale * x[i];
    }
}

} // namespace ggml::cpu
