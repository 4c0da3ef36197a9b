// NEON kernels of the float formats. The dot products keep 16 partial sums
// (4 vectors of 4), element i always in lane i % 16, and add them up at the
// end: they differ from the reference's element-order sum by float rounding
// only, and give the same result for a row padded with zeros (see
// float/avx2.cpp).
#include "float/blocks.h"
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

} // namespace

namespace ggml {

const format_kernels f32_neon{nullptr, vec_dot_float<float>, nullptr};
const format_kernels f16_neon{quantize_row_f16, vec_dot_float<uint16_t>, nullptr};
const format_kernels bf16_neon{nullptr, vec_dot_float<bf16, float>, nullptr};

} // namespace ggml
