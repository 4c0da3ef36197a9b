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

// Q8_0 weights: signed bytes already, so a chunk is one signed dot product
// and there is no offset.
struct q8_0_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = q8_0_size, y_size = q8_0_size;
    struct weights {
        chunks8 q;
        float32x4_t d[2];
    };
    static act_meta act(const char *yb) { return {fp16_to_f32(load_u16(yb)), 0.0f}; }
    static weights decode(const char *x) {
        weights w;
        w.d[0] = load_f16x4(x);
        w.d[1] = load_f16x4(x + 8);
        for (int c = 0; c < 8; c++)
            for (int h = 0; h < 2; h++)
                w.q.q[c][h] = vld1q_s8((const int8_t *)x + 16 + 32 * c + 16 * h);
        return w;
    }
    static acc8 step(acc8 acc, const weights &w, const char *yb, float dy, float) {
        const int8_t *qs = (const int8_t *)yb + 2;
        return {add_scaled(acc.lo, vcvtq_f32_s32(dot_half(w.q, 0, qs)), w.d[0], dy),
                add_scaled(acc.hi, vcvtq_f32_s32(dot_half(w.q, 1, qs)), w.d[1], dy)};
    }
};

} // namespace

namespace ggml {

const format_kernels GGML_NEON_TABLE(q8_0){quantize_row_q8_0, nullptr, gemm<q8_0_codec>};
#if !defined(__ARM_FEATURE_DOTPROD)
const format_kernels q8_1_neon{quantize_row_q8_1, nullptr, nullptr};
#endif

} // namespace ggml
