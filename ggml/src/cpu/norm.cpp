// RMSNorm: x / sqrt(mean(x^2) + eps), the squares summed in float into
// LANES partial sums (element i into sum i % LANES), which are then added in
// order. One sum in element order (llama2.c's) is a chain of dependent adds,
// a few cycles an element (2 % of a 110M prompt, Xeon); the partial sums are
// independent, and the compiler keeps them in vector registers. The order
// depends on the row's length only, so every batch and thread count gives
// the same result.
#include "cpu/ops.h"

#include <cmath>

namespace ggml::cpu {

namespace {

constexpr int LANES = 16;

float sum_of_squares(const float *x, int64_t n) {
    float part[LANES] = {};
    int64_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int k = 0; k < LANES; k++) part[k] += x[i + k] * x[i + k];
    for (int k = 0; i < n; i++, k++) part[k] += x[i] * x[i];
    float ss = 0.0f;
    for (float s : part) ss += s;
    return ss;
}

} // namespace

void forward_rms_norm(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const float eps = param_f32(dst, 0);
    const int64_t n = a->ne[0];
    const auto [begin, end] = split_rows(ggml_nrows(dst), p);
    for (int64_t r = begin; r < end; r++) {
        const auto *x = reinterpret_cast<const float *>(row_ptr(a, r));
        auto *out = reinterpret_cast<float *>(row_ptr(dst, r));
        const float scale = 1.0f / std::sqrt(sum_of_squares(x, n) / float(n) + eps);
        for (int64_t i = 0; i < n; i++) out[i] = scale * x[i];
    }
}

} // namespace ggml::cpu
