// NEON kernels of IQ4_NL and IQ4_XS in row groups (arm/common.h): the
// nibbles index the 16 signed levels with one table lookup, and a chunk is a
// signed dot product with the activation (IQ4_NL: Q4_0's codec with an
// offset of 0; IQ4_XS: a super-block in parts, as the K-quants' in
// k/neon_k.h).
#include "formats/arm/common.h"
#include "formats/kernels.h"
#include "iq4/blocks.h"
#include "k/neon_k.h"

namespace {

// value = d * IQ4_LEVELS[q]; group block: 8 d, the nibbles
struct iq4_nl_quants {
    static constexpr size_t x_size = 18;
    static void offsets(const char *, float32x4_t o[2]) { o[0] = o[1] = vdupq_n_f32(0.0f); }
    static void decode(const char *x, chunks8 *w) {
        nibble_chunks(x + 16, w);
        const int8x16_t levels = vld1q_s8(ggml::IQ4_LEVELS);
        for (int c = 0; c < 8; c++)
            for (int h = 0; h < 2; h++)
                w->q[c][h] = vqtbl1q_s8(levels, vreinterpretq_u8_s8(w->q[c][h]));
    }
};
using iq4_nl_codec = offset_codec<iq4_nl_quants>;

// IQ4_XS: value d * (s_j - 32) * IQ4_LEVELS[q] over 8 sub-blocks of 32,
// one a part. Group block: the rows' d, scales_h, then scales_l (one unit
// at 32) and the nibbles (32 units at 64; sub-block j's in units 4j..4j+3,
// Q4_0's order).
struct iq4_xs_codec {
    static constexpr int64_t QK = 256;
    static constexpr size_t x_size = 136, y_size = Q8K_SIZE;
    static constexpr int PARTS = 8;
    struct weights {
        float32x4_t d[2];
        uint8x16_t scales[2][2]; // [j / 4][half]: s_j - 32 in byte j % 4 of each lane
    };
    struct part {
        chunks8 q;
        int32x4_t scale[2];
    };
    GGML_FORCE_INLINE static act_meta act(const char *yb) { return q8_K_act(yb); }
    // bits 2j, 2j + 1 of h (j < 4) to bits 4, 5 of byte j of each lane
    GGML_FORCE_INLINE static uint8x16_t high_bits(uint32x4_t h) {
        const uint32x4_t b0 = vandq_u32(vshlq_n_u32(h, 4), vdupq_n_u32(0x30));
        const uint32x4_t b1 = vandq_u32(vshlq_n_u32(h, 10), vdupq_n_u32(0x3000));
        const uint32x4_t b2 = vandq_u32(vshlq_n_u32(h, 16), vdupq_n_u32(0x300000));
        const uint32x4_t b3 = vandq_u32(vshlq_n_u32(h, 22), vdupq_n_u32(0x30000000));
        return vreinterpretq_u8_u32(vorrq_u32(vorrq_u32(b0, b1), vorrq_u32(b2, b3)));
    }
    GGML_FORCE_INLINE static weights decode(const char *x) {
        weights w;
        for (int h = 0; h < 2; h++) {
            w.d[h] = load_f16x4(x + 8 * h);
            const uint32x4_t sh = vmovl_u16(vld1_u16((const uint16_t *)(x + 16 + 8 * h)));
            const uint8x16_t l = unit(x, 32, h);
            const uint8x16_t lo = vandq_u8(l, vdupq_n_u8(15)), hi = vshrq_n_u8(l, 4);
            const uint8x16_t low03 = vorrq_u8(vqtbl1q_u8(lo, lane_bytes(0, -1, 1, -1)),
                                              vqtbl1q_u8(hi, lane_bytes(-1, 0, -1, 1)));
            const uint8x16_t low47 = vorrq_u8(vqtbl1q_u8(lo, lane_bytes(2, -1, 3, -1)),
                                              vqtbl1q_u8(hi, lane_bytes(-1, 2, -1, 3)));
            const uint8x16_t bias = vdupq_n_u8(32);
            w.scales[0][h] = vsubq_u8(vorrq_u8(low03, high_bits(sh)), bias);
            w.scales[1][h] = vsubq_u8(vorrq_u8(low47, high_bits(vshrq_n_u32(sh, 8))), bias);
        }
        return w;
    }
    template <int P> GGML_FORCE_INLINE static part decode_part(const char *x, const weights &w) {
        const int8x16_t levels = vld1q_s8(ggml::IQ4_LEVELS);
        part p;
        for (int i = 0; i < 4; i++)
            for (int h = 0; h < 2; h++) {
                const uint8x16_t v = unit(x, 64 + 32 * (4 * P + i), h);
                p.q.q[i][h] = vqtbl1q_s8(levels, vandq_u8(v, vdupq_n_u8(15)));
                p.q.q[i + 4][h] = vqtbl1q_s8(levels, vshrq_n_u8(v, 4));
            }
        for (int h = 0; h < 2; h++) p.scale[h] = lane_s8<P % 4>(w.scales[P / 4][h]);
        return p;
    }
    template <int P>
    GGML_FORCE_INLINE static isum8 step_part(isum8 sum, const part &p, const char *yb) {
        const int8_t *y = (const int8_t *)yb + Q8K_QS + 32 * P;
        const int32x4_t lo = vaddq_s32(dot4(p.q, 0, 0, y), dot4(p.q, 4, 0, y + 16));
        const int32x4_t hi = vaddq_s32(dot4(p.q, 0, 1, y), dot4(p.q, 4, 1, y + 16));
        return {vmlaq_s32(sum.lo, lo, p.scale[0]), vmlaq_s32(sum.hi, hi, p.scale[1])};
    }
    GGML_FORCE_INLINE static acc8 finish(acc8 acc, isum8 sum, const weights &w, const char *,
                                         float dy, float) {
        return {add_scaled(acc.lo, vcvtq_f32_s32(sum.lo), w.d[0], dy),
                add_scaled(acc.hi, vcvtq_f32_s32(sum.hi), w.d[1], dy)};
    }
};

} // namespace

namespace ggml {

const format_kernels GGML_NEON_TABLE(iq4_nl){nullptr, nullptr, gemm<iq4_nl_codec>};
const format_kernels GGML_NEON_TABLE(iq4_xs){nullptr, nullptr, gemm<iq4_xs_codec>};

} // namespace ggml
