// NEON kernels of the 8-bit blocks: the activation quantizers
// (byte-identical with the reference: FCVTAS rounds ties away from zero as
// roundf does) and Q8_0 weights against Q8_0 activations.
#include "formats/arm/common.h"
#include "formats/kernels.h"

namespace {

constexpr size_t q8_0_size = 34;

// One block: d = amax / 127 and the quants roundf(x * (1/d)); returns d.
inline float quantize_q8_block(const float *x, int8_t *qs) {
    float32x4_t v[8];
    float32x4_t amax = vdupq_n_f32(0.0f);
    for (int i = 0; i < 8; i++) {
        v[i] = vld1q_f32(x + 4 * i);
        amax = vmaxq_f32(amax, vabsq_f32(v[i]));
    }
    const float d = vmaxvq_f32(amax) / 127.0f;
    const float id = inverse_scale(d);
    for (int i = 0; i < 8; i += 4) {
        int32x4_t q[4];
        for (int k = 0; k < 4; k++) q[k] = vcvtaq_s32_f32(vmulq_n_f32(v[i + k], id));
        const int16x8_t a = vcombine_s16(vqmovn_s32(q[0]), vqmovn_s32(q[1]));
        const int16x8_t b = vcombine_s16(vqmovn_s32(q[2]), vqmovn_s32(q[3]));
        vst1q_s8(qs + 4 * i, vcombine_s8(vqmovn_s16(a), vqmovn_s16(b)));
    }
    return d;
}

void quantize_row_q8_0(const float *x, void *vy, int64_t n) {
    char *y = static_cast<char *>(vy);
    for (int64_t b = 0; b < n / 32; b++, x += 32, y += q8_0_size) {
        const uint16_t d = f32_to_fp16(quantize_q8_block(x, (int8_t *)y + 2));
        std::memcpy(y, &d, sizeof d);
    }
}

#if !defined(__ARM_FEATURE_DOTPROD) // no dot products: one build is enough
void quantize_row_q8_1(const float *x, void *vy, int64_t n) {
    char *y = static_cast<char *>(vy);
    for (int64_t b = 0; b < n / 32; b++, x += 32, y += 36) {
        int8_t *qs = (int8_t *)y + 4;
        const float d = quantize_q8_block(x, qs);
        const int sum = vaddlvq_s8(vld1q_s8(qs)) + vaddlvq_s8(vld1q_s8(qs + 16));
        const uint16_t ds[2] = {f32_to_fp16(d), f32_to_fp16(float(sum) * d)};
        std::memcpy(y, ds, sizeof ds);
    }
}
#endif

signed_quants q8_0_quants(const char *blk) {
    return {vld1q_s8((const int8_t *)blk + 2), vld1q_s8((const int8_t *)blk + 18)};
}
using q8_0_codec = scaled_codec<q8_0_size, q8_0_quants>;

} // namespace

namespace ggml {

const format_kernels GGML_NEON_TABLE(q8_0){quantize_row_q8_0, vec_dot<q8_0_codec>,
                                           gemm<q8_0_codec>};
#if !defined(__ARM_FEATURE_DOTPROD)
const format_kernels q8_1_neon{quantize_row_q8_1, nullptr, nullptr};
#endif

} // namespace ggml
