// Element-wise ops on F32: add and mul (with broadcasting), scale, silu and
// the fused SwiGLU gate.
#include "cpu/ops.h"
#include "formats/traits.h"

#include <cmath>

namespace ggml::cpu {

namespace {

inline float silu(float x) { return x * (1.0f / (1.0f + std::exp(-x))); }

// dst = a (op) b, b broadcast over a; any strides in a and b.
template <typename Op> void binary_rows(const compute_params &p, ggml_tensor *dst, Op op) {
    const ggml_tensor *a = dst->src[0];
    const ggml_tensor *b = dst->src[1];
    const auto [begin, end] = split_rows(ggml_nrows(dst), p);
    for (int64_t r = begin; r < end; r++) {
        const int64_t i1 = r % a->ne[1], i2 = (r / a->ne[1]) % a->ne[2],
                      i3 = r / (a->ne[1] * a->ne[2]);
        const char *arow =
            static_cast<const char *>(a->data) + i1 * a->nb[1] + i2 * a->nb[2] + i3 * a->nb[3];
        const char *brow = static_cast<const char *>(b->data) + (i1 % b->ne[1]) * b->nb[1] +
                           (i2 % b->ne[2]) * b->nb[2] + (i3 % b->ne[3]) * b->nb[3];
        auto *out = reinterpret_cast<float *>(row_ptr(dst, r));
        const int64_t n = a->ne[0], nb0 = b->ne[0];
        if (a->nb[0] == sizeof(float) && b->nb[0] == sizeof(float) && nb0 == n) {
            const auto *x = reinterpret_cast<const float *>(arow);
            const auto *y = reinterpret_cast<const float *>(brow);
            for (int64_t i = 0; i < n; i++) out[i] = op(x[i], y[i]);
        } else {
            for (int64_t i = 0; i < n; i++)
                out[i] = op(*reinterpret_cast<const float *>(arow + i * a->nb[0]),
                            *reinterpret_cast<const float *>(brow + (i % nb0) * b->nb[0]));
        }
    }
}

// dst = f(a) row by row; a's rows are contiguous.
template <typename F> void unary_rows(const compute_params &p, ggml_tensor *dst, F f) {
    const ggml_tensor *a = dst->src[0];
    const auto [begin, end] = split_rows(ggml_nrows(dst), p);
    for (int64_t r = begin; r < end; r++) {
        const auto *x = reinterpret_cast<const float *>(row_ptr(a, r));
        auto *out = reinterpret_cast<float *>(row_ptr(dst, r));
        for (int64_t i = 0; i < a->ne[0]; i++) out[i] = f(x[i]);
    }
}

} // namespace

void forward_add(const compute_params &p, ggml_tensor *dst) {
    binary_rows(p, dst, [](float x, float y) { return x + y; });
}

void forward_mul(const compute_params &p, ggml_tensor *dst) {
    binary_rows(p, dst, [](float x, float y) { return x * y; });
}

void forward_scale(const compute_params &p, ggml_tensor *dst) {
    const float s = param_f32(dst, 0);
    unary_rows(p, dst, [s](float x) { return x * s; });
}

void forward_silu(const compute_params &p, ggml_tensor *dst) { unary_rows(p, dst, silu); }

void forward_swiglu(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const ggml_tensor *b = dst->src[1];
    const swiglu_fn swiglu = kernels_of(GGML_TYPE_F32).swiglu; // (rows are contiguous)
    const auto [begin, end] = split_rows(ggml_nrows(dst), p);
    for (int64_t r = begin; r < end; r++)
        swiglu(a->ne[0], reinterpret_cast<const float *>(row_ptr(a, r)),
               reinterpret_cast<const float *>(row_ptr(b, r)),
               reinterpret_cast<float *>(row_ptr(dst, r)));
}

} // namespace ggml::cpu
