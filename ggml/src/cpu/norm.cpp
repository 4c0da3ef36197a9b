// RMSNorm: x / sqrt(mean(x^2) + eps), the sum of squares taken by the F32
// dot product of the selected kernel level (x with itself). The scalar level
// sums in element order, as llama2.c does; the SIMD levels keep several
// partial sums, in an order that depends on the row's length and the level
// only, so every batch and thread count gives the same result.
#include "cpu/ops.h"
#include "formats/traits.h"

#include <cmath>

namespace ggml::cpu {

void forward_rms_norm(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const float eps = param_f32(dst, 0);
    const int64_t n = a->ne[0];
    const vec_dot_fn dot = kernels_of(GGML_TYPE_F32).vec_dot;
    const auto [begin, end] = split_rows(ggml_nrows(dst), p);
    for (int64_t r = begin; r < end; r++) {
        const auto *x = reinterpret_cast<const float *>(row_ptr(a, r));
        auto *out = reinterpret_cast<float *>(row_ptr(dst, r));
        float ss;
        dot(n, &ss, x, x);
        const float scale = 1.0f / std::sqrt(ss / float(n) + eps);
        for (int64_t i = 0; i < n; i++) out[i] = scale * x[i];
    }
}

} // namespace ggml::cpu
