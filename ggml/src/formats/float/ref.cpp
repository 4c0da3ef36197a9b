// Scalar reference of the float formats. Dot products accumulate in float in
// element order, as llama2.c's matmul does; attention runs
// float/attention.h's online softmax with plain loops over blocks of 8 keys.
#include "float/blocks.h"

#include "fp16.h"
#include "ggml.h"
#include "walsh_hadamard.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace ggml {

namespace {

// Round to nearest even on the 16 bits dropped, as ggml's
// ggml_compute_fp32_to_bf16 (so our BF16 files are its bytes); a NaN keeps
// its sign and top mantissa bits and is made quiet (an increment could carry
// it into an infinity).
uint16_t fp32_to_bf16(float f) {
    const uint32_t u = std::bit_cast<uint32_t>(f);
    if ((u & 0x7fffffff) > 0x7f800000) return uint16_t((u >> 16) | 64);
    return uint16_t((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}

float bf16_to_fp32(uint16_t h) { return std::bit_cast<float>(uint32_t(h) << 16); }

} // namespace

void quantize_row_f32_ref(const float *x, void *y, int64_t n) {
    std::memcpy(y, x, size_t(n) * sizeof(float));
}

void quantize_row_f16_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<uint16_t *>(vy);
    for (int64_t i = 0; i < n; i++) y[i] = fp32_to_fp16(x[i]);
}

void quantize_row_bf16_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<uint16_t *>(vy);
    for (int64_t i = 0; i < n; i++) y[i] = fp32_to_bf16(x[i]);
}

void dequantize_row_f32(const void *x, float *y, int64_t n) {
    std::memcpy(y, x, size_t(n) * sizeof(float));
}

void dequantize_row_f16(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const uint16_t *>(vx);
    for (int64_t i = 0; i < n; i++) y[i] = fp16_to_fp32(x[i]);
}

void dequantize_row_bf16(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const uint16_t *>(vx);
    for (int64_t i = 0; i < n; i++) y[i] = bf16_to_fp32(x[i]);
}

void vec_dot_f32_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const float *>(vx);
    const auto *y = static_cast<const float *>(vy);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) sum += x[i] * y[i];
    *s = sum;
}

void vec_dot_f16_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const uint16_t *>(vx);
    const auto *y = static_cast<const uint16_t *>(vy);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) sum += fp16_to_fp32(x[i]) * fp16_to_fp32(y[i]);
    *s = sum;
}

void swiglu_f32_ref(int64_t n, const float *x, const float *g, float *out) {
    for (int64_t i = 0; i < n; i++) out[i] = x[i] / (1.0f + std::exp(-x[i])) * g[i];
}

void hadamard_mix_f32_ref(const float *in, float *out, const float *f, int64_t m, int64_t p) {
    hadamard_mix(in, out, f, m, p);
}

void vec_dot_bf16_f32_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const uint16_t *>(vx);
    const auto *y = static_cast<const float *>(vy);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) sum += bf16_to_fp32(x[i]) * y[i];
    *s = sum;
}

namespace {

inline float to_float(float x) { return x; }
inline float to_float(uint16_t h) { return fp16_to_fp32(h); }

template <class T>
void attend_ref(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first,
                const void *vk, size_t k_stride, const void *vv, size_t v_stride, float *out,
                size_t out_stride) {
    constexpr int64_t block = 8;
    const T *k = static_cast<const T *>(vk);
    const T *v = static_cast<const T *>(vv);
    const size_t k_block = k_stride / sizeof(T), stride = v_stride / sizeof(T);
    for (int t = 0; t < nq; t++) {
        const float *qt = q + size_t(t) * q_stride;
        float *o = out + size_t(t) * out_stride;
        std::fill(o, o + hd, 0.0f);
        const int64_t n_keys = n_first + t;
        float m = -INFINITY, l = 0.0f;
        for (int64_t j0 = 0; j0 < n_keys; j0 += block) {
            const int64_t jn = std::min(block, n_keys - j0);
            float s[block];
            float mb = -INFINITY;
            for (int64_t jj = 0; jj < jn; jj++) {
                // key j's element d: lane j % GGML_KEY_BLOCK of row d of its block
                const int64_t j = j0 + jj;
                const T *kj = k + size_t(j / GGML_KEY_BLOCK) * k_block + j % GGML_KEY_BLOCK;
                float dot = 0.0f;
                for (int64_t d = 0; d < hd; d++) dot += qt[d] * to_float(kj[d * GGML_KEY_BLOCK]);
                s[jj] = dot;
                mb = std::max(mb, dot);
            }
            if (mb > m) {
                const float c = std::exp(m - mb);
                l *= c;
                for (int64_t d = 0; d < hd; d++) o[d] *= c;
                m = mb;
            }
            for (int64_t jj = 0; jj < jn; jj++) {
                const float p = std::exp(s[jj] - m);
                l += p;
                const T *vj = v + size_t(j0 + jj) * stride;
                for (int64_t d = 0; d < hd; d++) o[d] += p * to_float(vj[d]);
            }
        }
        for (int64_t d = 0; d < hd; d++) o[d] *= 1.0f / l;
    }
}

} // namespace

void attend_f32_ref(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first,
                    const void *k, size_t k_stride, const void *v, size_t v_stride, float *out,
                    size_t out_stride) {
    attend_ref<float>(hd, nq, q, q_stride, n_first, k, k_stride, v, v_stride, out, out_stride);
}

void attend_f16_ref(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first,
                    const void *k, size_t k_stride, const void *v, size_t v_stride, float *out,
                    size_t out_stride) {
    attend_ref<uint16_t>(hd, nq, q, q_stride, n_first, k, k_stride, v, v_stride, out, out_stride);
}

} // namespace ggml
