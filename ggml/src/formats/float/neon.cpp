// NEON kernels of the float formats. The dot products keep 16 partial sums
// (4 vectors of 4), element i always in lane i % 16, and add them up at the
// end: they differ from the reference's element-order sum by float rounding
// only, and give the same result for a row padded with zeros (see
// float/avx2.cpp).
#include "float/attention.h"
#include "float/blocks.h"
#include "float/hadamard_mix.h"
#include "float/swiglu.h"
#include "formats/arm/common.h"
#include "formats/kernels.h"

namespace {

void quantize_row_f16(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<uint16_t *>(vy);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4)
        vst1_u16(y + i, vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(x + i))));
    for (; i < n; i++) y[i] = f32_to_fp16(x[i]);
}

inline float32x4_t load4(const float *p) { return vld1q_f32(p); }
inline float32x4_t load4(const uint16_t *p) {
    return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)));
}
// BF16: the top half of a float
inline float32x4_t load4(const ggml::bf16 *p) {
    return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16((const uint16_t *)p), 16));
}

// x of type X against y of type Y (BF16 weights meet F32 activations).
template <class X, class Y = X>
void vec_dot_float(int64_t n, float *s, const void *vx, const void *vy) {
    const X *x = static_cast<const X *>(vx);
    const Y *y = static_cast<const Y *>(vy);
    float32x4_t acc[4] = {vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0), vdupq_n_f32(0)};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 4; k++)
            acc[k] = vfmaq_f32(acc[k], load4(x + i + 4 * k), load4(y + i + 4 * k));
    // The tail: whole vectors of 4 straight into their lanes' accumulator,
    // the last < 4 zero-padded.
    for (int k = 0; i + 4 <= n; i += 4, k++) acc[k] = vfmaq_f32(acc[k], load4(x + i), load4(y + i));
    if (i < n) {
        X xt[4] = {};
        Y yt[4] = {};
        std::memcpy(xt, x + i, size_t(n - i) * sizeof(X));
        std::memcpy(yt, y + i, size_t(n - i) * sizeof(Y));
        acc[(i % 16) / 4] = vfmaq_f32(acc[(i % 16) / 4], load4(xt), load4(yt));
    }
    *s = vaddvq_f32(vaddq_f32(vaddq_f32(acc[0], acc[1]), vaddq_f32(acc[2], acc[3])));
}

// 8 floats as two NEON vectors: float/attention.h's policy.
struct vec8 {
    struct vec {
        float32x4_t lo, hi;
    };
    static constexpr int width = 8;
    static vec zero() { return {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)}; }
    static vec set1(float f) { return {vdupq_n_f32(f), vdupq_n_f32(f)}; }
    static vec load(const float *p) { return {vld1q_f32(p), vld1q_f32(p + 4)}; }
    static vec load(const uint16_t *p) { return {load4(p), load4(p + 4)}; }
    static void store(float *p, vec v) {
        vst1q_f32(p, v.lo);
        vst1q_f32(p + 4, v.hi);
    }
    static vec add(vec a, vec b) { return {vaddq_f32(a.lo, b.lo), vaddq_f32(a.hi, b.hi)}; }
    static vec sub(vec a, vec b) { return {vsubq_f32(a.lo, b.lo), vsubq_f32(a.hi, b.hi)}; }
    static vec div(vec a, vec b) { return {vdivq_f32(a.lo, b.lo), vdivq_f32(a.hi, b.hi)}; }
    static vec mul(vec a, vec b) { return {vmulq_f32(a.lo, b.lo), vmulq_f32(a.hi, b.hi)}; }
    static vec fma(vec a, vec b, vec c) {
        return {vfmaq_f32(c.lo, a.lo, b.lo), vfmaq_f32(c.hi, a.hi, b.hi)};
    }
    static float hmax(vec v) { return vmaxvq_f32(vmaxq_f32(v.lo, v.hi)); }
    static float hsum(vec v) { return vaddvq_f32(vaddq_f32(v.lo, v.hi)); }
    static vec first(int n) {
        const int32x4_t i0 = {0, 1, 2, 3}, i1 = {4, 5, 6, 7};
        const int32x4_t nn = vdupq_n_s32(n);
        return {vreinterpretq_f32_u32(vcltq_s32(i0, nn)), vreinterpretq_f32_u32(vcltq_s32(i1, nn))};
    }
    static vec select(vec mask, vec a, vec b) {
        return {vbslq_f32(vreinterpretq_u32_f32(mask.lo), a.lo, b.lo),
                vbslq_f32(vreinterpretq_u32_f32(mask.hi), a.hi, b.hi)};
    }
    // e^x for x clamped to [-87.3, 88.3], as x86/vec8.h computes it
    static float32x4_t exp4(float32x4_t x) {
        x = vminq_f32(vmaxq_f32(x, vdupq_n_f32(-87.3f)), vdupq_n_f32(88.3f));
        const float32x4_t n = vrndnq_f32(vmulq_n_f32(x, 1.44269504088896341f));
        float32x4_t r = vfmsq_f32(x, n, vdupq_n_f32(0.693359375f));
        r = vfmsq_f32(r, n, vdupq_n_f32(-2.12194440e-4f));
        float32x4_t p = vdupq_n_f32(1.9875691500e-4f);
        p = vfmaq_f32(vdupq_n_f32(1.3981999507e-3f), p, r);
        p = vfmaq_f32(vdupq_n_f32(8.3334519073e-3f), p, r);
        p = vfmaq_f32(vdupq_n_f32(4.1665795894e-2f), p, r);
        p = vfmaq_f32(vdupq_n_f32(1.6666665459e-1f), p, r);
        p = vfmaq_f32(vdupq_n_f32(5.0000001201e-1f), p, r);
        p = vfmaq_f32(vaddq_f32(r, vdupq_n_f32(1.0f)), vmulq_f32(p, r), r);
        const int32x4_t e = vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23);
        return vmulq_f32(p, vreinterpretq_f32_s32(e));
    }
    static vec exp(vec x) { return {exp4(x.lo), exp4(x.hi)}; }
};

} // namespace

namespace ggml {

const format_kernels f32_neon{nullptr,      vec_dot_float<float>, nullptr, attend<vec8, float>,
                              swiglu<vec8>, hadamard_mix<vec8>};
const format_kernels f16_neon{quantize_row_f16, vec_dot_float<uint16_t>, nullptr,
                              attend<vec8, uint16_t>};
const format_kernels bf16_neon{nullptr, vec_dot_float<bf16, float>, nullptr};

} // namespace ggml
