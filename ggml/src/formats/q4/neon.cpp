// NEON kernels of the 4-bit blocks: nibbles minus the zero point (8 for
// Q4_0, z for Q4_Z, none for Q4_1) are signed bytes, so each block is one
// signed dot product with the activation (sdot, or smull + sadalp).
#include "formats/arm/common.h"
#include "formats/kernels.h"

namespace {

inline signed_quants unpack_nibbles(const char *qs, int8x16_t zero_point) {
    const uint8x16_t v = vld1q_u8((const uint8_t *)qs);
    const int8x16_t lo = vreinterpretq_s8_u8(vandq_u8(v, vdupq_n_u8(0x0f)));
    const int8x16_t hi = vreinterpretq_s8_u8(vshrq_n_u8(v, 4));
    return {vsubq_s8(lo, zero_point), vsubq_s8(hi, zero_point)};
}

// value = d * (q - 8)
signed_quants q4_0_quants(const char *blk) { return unpack_nibbles(blk + 2, vdupq_n_s8(8)); }
using q4_0_codec = scaled_codec<18, q4_0_quants>;

// value = d * q + m, against Q8_1 whose s = dy * sum(y) carries the m term
struct q4_1_codec : neon_codec<q4_1_codec> {
    static constexpr size_t x_size = 20, y_size = 36;
    struct weights {
        signed_quants q[4];
        float32x4_t d, m;
    };
    static act_meta act(const char *yb, int8_t *q) {
        std::memcpy(q, yb + 4, QK);
        return {fp16_to_f32(load_u16(yb)), fp16_to_f32(load_u16(yb + 2))};
    }
    static weights decode(const char *x) {
        weights w;
        for (int k = 0; k < 4; k++) w.q[k] = unpack_nibbles(x + k * x_size + 4, vdupq_n_s8(0));
        w.d = gather_f16<x_size>(x, 0);
        w.m = gather_f16<x_size>(x, 2);
        return w;
    }
    // the reference's m * s first, then d * dy * sumi
    static float32x4_t term(float32x4_t acc, float32x4_t sumi, const weights &w, const float *dy,
                            const float *aux) {
        return add_scaled(vfmaq_f32(acc, w.m, vld1q_f32(aux)), sumi, w.d, dy);
    }
};

// value = d * (q - z), z at byte 2
signed_quants q4_z_quants(const char *blk) {
    return unpack_nibbles(blk + 3, vdupq_n_s8(int8_t(blk[2])));
}
using q4_z_codec = scaled_codec<19, q4_z_quants>;

} // namespace

namespace ggml {

const format_kernels GGML_NEON_TABLE(q4_0){nullptr, vec_dot<q4_0_codec>, gemm<q4_0_codec>};
const format_kernels GGML_NEON_TABLE(q4_1){nullptr, vec_dot<q4_1_codec>, gemm<q4_1_codec>};
const format_kernels GGML_NEON_TABLE(q4_z){nullptr, vec_dot<q4_z_codec>, gemm<q4_z_codec>};

} // namespace ggml
