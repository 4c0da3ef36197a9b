// NEON kernels of the K-quants in row groups (arm/common.h): a super-block
// in 8 parts of 32 elements, each row's integer total (k/super_block.h)
// growing sub-block by sub-block times its scale, the float terms once per
// super-block. The group layouts are x86's (k/x86_codecs.h): the packed
// scales interleaved before the quants, 4 bytes of each row in a 32-bit
// lane.
#include "formats/kernels.h"
#include "k/neon_k.h"

namespace {

// Q4_K and Q5_K: value d * s_j * q - dmin * m_j over 8 sub-blocks of 32.
// Group block: the rows' d, dmin, 3 units of packed scales and mins (see
// k/x86_codecs.h), then the quants; Quants::quants<P> decodes sub-block P.
template <class Quants> struct scale_min_codec {
    static constexpr int64_t QK = 256;
    static constexpr size_t x_size = Quants::x_size, y_size = Q8K_SIZE;
    static constexpr int PARTS = 8;
    struct weights {
        float32x4_t d[2], dmin[2];
        uint8x16_t scales[2][2]; // [j / 4][half]: byte j % 4 of each lane
        int16x4_t mins[8][2];    // [j][half]
    };
    struct part {
        chunks8 q;
        int32x4_t scale[2];
    };
    GGML_FORCE_INLINE static act_meta act(const char *yb) { return q8_K_act(yb); }
    GGML_FORCE_INLINE static weights decode(const char *x) {
        weights w;
        const uint8x16_t low6 = vdupq_n_u8(63), low4 = vdupq_n_u8(15), top2 = vdupq_n_u8(0x30);
        for (int h = 0; h < 2; h++) {
            w.d[h] = load_f16x4(x + 8 * h);
            w.dmin[h] = load_f16x4(x + 16 + 8 * h);
            const uint8x16_t s0 = unit(x, 32, h), s1 = unit(x, 64, h), s2 = unit(x, 96, h);
            w.scales[0][h] = vandq_u8(s0, low6);
            w.scales[1][h] = vorrq_u8(vandq_u8(s2, low4), vandq_u8(vshrq_n_u8(s0, 2), top2));
            const uint8x16_t mins[2] = {
                vandq_u8(s1, low6), vorrq_u8(vshrq_n_u8(s2, 4), vandq_u8(vshrq_n_u8(s1, 2), top2))};
            for (int j = 0; j < 8; j++)
                w.mins[j][h] = vreinterpret_s16_u16(vmovn_u32(
                    vreinterpretq_u32_u8(vqtbl1q_u8(mins[j / 4], lane_bytes(j % 4, -1, -1, -1)))));
        }
        return w;
    }
    template <int P> GGML_FORCE_INLINE static part decode_part(const char *x, const weights &w) {
        part p;
        Quants::template quants<P>(x, &p.q);
        for (int h = 0; h < 2; h++) p.scale[h] = lane_u8<P % 4>(w.scales[P / 4][h]);
        return p;
    }
    template <int P>
    GGML_FORCE_INLINE static isum8 step_part(isum8 sum, const part &p, const char *yb) {
        const int8_t *y = (const int8_t *)yb + Q8K_QS + 32 * P;
        const int32x4_t lo = vaddq_s32(dot4(p.q, 0, 0, y), dot4(p.q, 4, 0, y + 16));
        const int32x4_t hi = vaddq_s32(dot4(p.q, 0, 1, y), dot4(p.q, 4, 1, y + 16));
        return {vmlaq_s32(sum.lo, lo, p.scale[0]), vmlaq_s32(sum.hi, hi, p.scale[1])};
    }
    GGML_FORCE_INLINE static acc8 finish(acc8 acc, isum8 sum, const weights &w, const char *yb,
                                         float dy, float) {
        // sub-block j's two bsums added (at most 32 * 127: int16)
        const int16_t *bs = (const int16_t *)(yb + Q8K_BSUMS);
        const int16x8_t b = vpaddq_s16(vld1q_s16(bs), vld1q_s16(bs + 8));
        float32x4_t out[2] = {acc.lo, acc.hi};
        const int32x4_t sums[2] = {sum.lo, sum.hi};
        for (int h = 0; h < 2; h++) {
            int32x4_t m = vmull_laneq_s16(w.mins[0][h], b, 0);
            m = vmlal_laneq_s16(m, w.mins[1][h], b, 1);
            m = vmlal_laneq_s16(m, w.mins[2][h], b, 2);
            m = vmlal_laneq_s16(m, w.mins[3][h], b, 3);
            m = vmlal_laneq_s16(m, w.mins[4][h], b, 4);
            m = vmlal_laneq_s16(m, w.mins[5][h], b, 5);
            m = vmlal_laneq_s16(m, w.mins[6][h], b, 6);
            m = vmlal_laneq_s16(m, w.mins[7][h], b, 7);
            out[h] = add_scaled(out[h], vcvtq_f32_s32(sums[h]), w.d[h], dy);
            out[h] = vfmsq_f32(out[h], vcvtq_f32_s32(m), vmulq_n_f32(w.dmin[h], dy));
        }
        return {out[0], out[1]};
    }
};

// Q4_K: unit 8c + i of the quants (at 128) holds bytes 4i..4i+3 of
// qs[32c..]: sub-block 2c in the low nibbles, 2c + 1 in the high ones.
template <int P> GGML_FORCE_INLINE uint8x16_t q4_K_nibbles(const char *x, int i, int h) {
    const uint8x16_t v = unit(x, 128 + 32 * (8 * (P / 2) + i), h);
    if constexpr (P % 2 == 0)
        return vandq_u8(v, vdupq_n_u8(15));
    else
        return vshrq_n_u8(v, 4);
}

struct q4_K_quants {
    static constexpr size_t x_size = 144;
    template <int P> GGML_FORCE_INLINE static void quants(const char *x, chunks8 *q) {
        for (int i = 0; i < 8; i++)
            for (int h = 0; h < 2; h++) q->q[i][h] = vreinterpretq_s8_u8(q4_K_nibbles<P>(x, i, h));
    }
};
using q4_K_codec = scale_min_codec<q4_K_quants>;

// Q5_K: Q4_K's nibbles (at 384, after qh) and the fifth bit of element 32 j
// + l at bit j of qh byte l, in qh unit l / 4 (at 128).
struct q5_K_quants {
    static constexpr size_t x_size = 176;
    template <int P> GGML_FORCE_INLINE static void quants(const char *x, chunks8 *q) {
        for (int i = 0; i < 8; i++)
            for (int h = 0; h < 2; h++) {
                const uint8x16_t v = unit(x, 384 + 32 * (8 * (P / 2) + i), h);
                const uint8x16_t lo = P % 2 == 0 ? vandq_u8(v, vdupq_n_u8(15)) : vshrq_n_u8(v, 4);
                const uint8x16_t qh = unit(x, 128 + 32 * i, h);
                uint8x16_t high;
                if constexpr (P <= 4)
                    high = vshlq_n_u8(qh, 4 - P);
                else
                    high = vshrq_n_u8(qh, P - 4);
                q->q[i][h] = vreinterpretq_s8_u8(vorrq_u8(lo, vandq_u8(high, vdupq_n_u8(16))));
            }
    }
};
using q5_K_codec = scale_min_codec<q5_K_quants>;

// Bits S, S + 1, ... (N of them) of each byte of v, moved to bit D.
template <int S, int D, int N> GGML_FORCE_INLINE uint8x16_t bits_to(uint8x16_t v) {
    const uint8x16_t mask = vdupq_n_u8(uint8_t(((1 << N) - 1) << D));
    if constexpr (S < D)
        return vandq_u8(vshlq_n_u8(v, D - S), mask);
    else if constexpr (S > D)
        return vandq_u8(vshrq_n_u8(v, S - D), mask);
    else
        return vandq_u8(v, mask);
}

// Q2_K, Q3_K and Q6_K: 16 sub-blocks of 16, a part of 32 elements (part P =
// 4h + k: elements 128h + 32k + l, l < 32) spanning sub-blocks 2P and 2P +
// 1; layouts and offsets as k/x86_codecs.h's. Quants gives x_size,
// scales(x, h, s) (sub-block j's scale in byte j % 4 of each lane of s[j /
// 4], signed unless the format has mins), quants<P>(x, q) (part P's chunks
// as signed levels: Q3_K's and Q6_K's stored offsets taken off, which the
// signed dot products allow), and for Q2_K mins(x, h, m) as the scales.
template <class Quants> struct sub16_codec {
    static constexpr int64_t QK = 256;
    static constexpr size_t x_size = Quants::x_size, y_size = Q8K_SIZE;
    static constexpr int PARTS = 8;
    static constexpr bool has_min = requires { Quants::mins; };
    struct weights {
        float32x4_t d[2], dmin[2];
        uint8x16_t scales[4][2]; // [j / 4][half]
        int16x4_t mins[16][2];   // [j][half], Q2_K's
    };
    struct part {
        chunks8 q;
        int32x4_t scale[2][2]; // [sub-block 2P, 2P + 1][half]
    };
    GGML_FORCE_INLINE static act_meta act(const char *yb) { return q8_K_act(yb); }
    GGML_FORCE_INLINE static weights decode(const char *x) {
        weights w;
        for (int h = 0; h < 2; h++) {
            w.d[h] = load_f16x4(x + 8 * h);
            uint8x16_t s[4];
            Quants::scales(x, h, s);
            for (int t = 0; t < 4; t++) w.scales[t][h] = s[t];
            if constexpr (has_min) {
                w.dmin[h] = load_f16x4(x + 16 + 8 * h);
                uint8x16_t m[4];
                Quants::mins(x, h, m);
                for (int j = 0; j < 16; j++)
                    w.mins[j][h] = vreinterpret_s16_u16(vmovn_u32(
                        vreinterpretq_u32_u8(vqtbl1q_u8(m[j / 4], lane_bytes(j % 4, -1, -1, -1)))));
            }
        }
        return w;
    }
    template <int P> GGML_FORCE_INLINE static part decode_part(const char *x, const weights &w) {
        part p;
        Quants::template quants<P>(x, &p.q);
        for (int h = 0; h < 2; h++) {
            if constexpr (has_min) {
                p.scale[0][h] = lane_u8<(2 * P) % 4>(w.scales[P / 2][h]);
                p.scale[1][h] = lane_u8<(2 * P + 1) % 4>(w.scales[P / 2][h]);
            } else {
                p.scale[0][h] = lane_s8<(2 * P) % 4>(w.scales[P / 2][h]);
                p.scale[1][h] = lane_s8<(2 * P + 1) % 4>(w.scales[P / 2][h]);
            }
        }
        return p;
    }
    template <int P>
    GGML_FORCE_INLINE static isum8 step_part(isum8 sum, const part &p, const char *yb) {
        const int8_t *y = (const int8_t *)yb + Q8K_QS + 32 * P;
        int32x4_t out[2] = {sum.lo, sum.hi};
        for (int h = 0; h < 2; h++) {
            out[h] = vmlaq_s32(out[h], dot4(p.q, 0, h, y), p.scale[0][h]);
            out[h] = vmlaq_s32(out[h], dot4(p.q, 4, h, y + 16), p.scale[1][h]);
        }
        return {out[0], out[1]};
    }
    GGML_FORCE_INLINE static acc8 finish(acc8 acc, isum8 sum, const weights &w, const char *yb,
                                         float dy, float) {
        float32x4_t out[2] = {add_scaled(acc.lo, vcvtq_f32_s32(sum.lo), w.d[0], dy),
                              add_scaled(acc.hi, vcvtq_f32_s32(sum.hi), w.d[1], dy)};
        if constexpr (has_min) {
            const int16_t *bs = (const int16_t *)(yb + Q8K_BSUMS);
            const int16x8_t b0 = vld1q_s16(bs), b1 = vld1q_s16(bs + 8);
            for (int h = 0; h < 2; h++) {
                int32x4_t m = vdupq_n_s32(0);
                for_parts<0, 8>([&](auto k) {
                    constexpr int K = decltype(k)::value;
                    m = vmlal_laneq_s16(m, w.mins[K][h], b0, K);
                    m = vmlal_laneq_s16(m, w.mins[K + 8][h], b1, K);
                });
                out[h] = vfmsq_f32(out[h], vcvtq_f32_s32(m), vmulq_n_f32(w.dmin[h], dy));
            }
        }
        return {out[0], out[1]};
    }
};

// Q6_K: d * s_j * (q - 32); ql at 16, qh at 1040, scales at 1552.
struct q6_K_quants {
    static constexpr size_t x_size = 210;
    GGML_FORCE_INLINE static void scales(const char *x, int h, uint8x16_t s[4]) {
        for (int t = 0; t < 4; t++) s[t] = unit(x, 1552 + 32 * t, h);
    }
    template <int P> GGML_FORCE_INLINE static void quants(const char *x, chunks8 *q) {
        constexpr int hh = P / 4, k = P % 4;
        for (int i = 0; i < 8; i++)
            for (int h = 0; h < 2; h++) {
                const uint8x16_t lo = unit(x, 16 + 32 * (16 * hh + 8 * (k % 2) + i), h);
                const uint8x16_t hi = unit(x, 1040 + 32 * (8 * hh + i), h);
                const uint8x16_t v =
                    vorrq_u8(bits_to<4 * (k / 2), 0, 4>(lo), bits_to<2 * k, 4, 2>(hi));
                q->q[i][h] = vsubq_s8(vreinterpretq_s8_u8(v), vdupq_n_s8(32));
            }
    }
};
using q6_K_codec = sub16_codec<q6_K_quants>;

// Q3_K: d * (s_j - 32) * (q - 4); hmask at 16, qs at 272, scales at 784.
struct q3_K_quants {
    static constexpr size_t x_size = 110;
    GGML_FORCE_INLINE static void scales(const char *x, int h, uint8x16_t s[4]) {
        const uint8x16_t t0 = unit(x, 784, h), t1 = unit(x, 816, h), t2 = unit(x, 848, h);
        const uint8x16_t bias = vdupq_n_u8(32);
        s[0] = vsubq_u8(vorrq_u8(bits_to<0, 0, 4>(t0), bits_to<0, 4, 2>(t2)), bias);
        s[1] = vsubq_u8(vorrq_u8(bits_to<0, 0, 4>(t1), bits_to<2, 4, 2>(t2)), bias);
        s[2] = vsubq_u8(vorrq_u8(bits_to<4, 0, 4>(t0), bits_to<4, 4, 2>(t2)), bias);
        s[3] = vsubq_u8(vorrq_u8(bits_to<4, 0, 4>(t1), bits_to<6, 4, 2>(t2)), bias);
    }
    template <int P> GGML_FORCE_INLINE static void quants(const char *x, chunks8 *q) {
        constexpr int hh = P / 4, k = P % 4;
        for (int i = 0; i < 8; i++)
            for (int h = 0; h < 2; h++) {
                const uint8x16_t lo = unit(x, 272 + 32 * (8 * hh + i), h);
                const uint8x16_t hi = unit(x, 16 + 32 * i, h);
                const uint8x16_t v = vorrq_u8(bits_to<2 * k, 0, 2>(lo), bits_to<P, 2, 1>(hi));
                q->q[i][h] = vsubq_s8(vreinterpretq_s8_u8(v), vdupq_n_s8(4));
            }
    }
};
using q3_K_codec = sub16_codec<q3_K_quants>;

// Q2_K: d * s_j * q - dmin * m_j; scales at 32, qs at 160.
struct q2_K_quants {
    static constexpr size_t x_size = 84;
    GGML_FORCE_INLINE static void scales(const char *x, int h, uint8x16_t s[4]) {
        for (int t = 0; t < 4; t++) s[t] = bits_to<0, 0, 4>(unit(x, 32 + 32 * t, h));
    }
    GGML_FORCE_INLINE static void mins(const char *x, int h, uint8x16_t m[4]) {
        for (int t = 0; t < 4; t++) m[t] = vshrq_n_u8(unit(x, 32 + 32 * t, h), 4);
    }
    template <int P> GGML_FORCE_INLINE static void quants(const char *x, chunks8 *q) {
        constexpr int hh = P / 4, k = P % 4;
        for (int i = 0; i < 8; i++)
            for (int h = 0; h < 2; h++)
                q->q[i][h] =
                    vreinterpretq_s8_u8(bits_to<2 * k, 0, 2>(unit(x, 160 + 32 * (8 * hh + i), h)));
    }
};
using q2_K_codec = sub16_codec<q2_K_quants>;

} // namespace

namespace ggml {

const format_kernels GGML_NEON_TABLE(q2_k){nullptr, nullptr, gemm<q2_K_codec>};
const format_kernels GGML_NEON_TABLE(q3_k){nullptr, nullptr, gemm<q3_K_codec>};
const format_kernels GGML_NEON_TABLE(q4_k){nullptr, nullptr, gemm<q4_K_codec>};
const format_kernels GGML_NEON_TABLE(q5_k){nullptr, nullptr, gemm<q5_K_codec>};
const format_kernels GGML_NEON_TABLE(q6_k){nullptr, nullptr, gemm<q6_K_codec>};

} // namespace ggml
