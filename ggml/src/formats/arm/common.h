// The NEON side of the quantized gemm over row groups (formats/row_groups.h),
// shared by the NEON kernel files (neon.cpp of each format family), which
// are built twice: for baseline armv8-a and with the dot-product
// instructions (armv8.2-a+dotprod), chosen at run time (dispatch.cpp).
//
// The driver takes a codec C of one format, as x86/groups.h does: QK,
// x_size, y_size, act(y block) -> act_meta, decode(group block) -> weights,
// step(acc, weights, y block, d, aux) -> acc. A group's 8 rows are two
// halves of 4: each 4-byte chunk of the payload is a vector per half (rows
// 0..3, rows 4..7), and the accumulator holds each half's 4 sums in the
// order of the format's reference (formats/dot_sum.h).
// Codecs of super-blocks split theirs into PARTS parts with an integer sum
// per row carried across them, as x86/groups.h describes: decode_part<P>,
// step_part<P> (on an isum8) and finish. Codecs whose blocks span SUBS
// activation blocks decode each sub-block (decode_sub<S>) and add its terms
// (step_sub) as x86/groups.h describes too.
//
// All of it has internal linkage, so neither build's copy can stand in for
// the other's (see x86/common.h).
#pragma once

#include "formats/quant_math.h"
#include "formats/row_groups.h"
#include "formats/scratch.h"

#include <arm_neon.h>

#include <cstring>

// The name of a kernel table in this build of a NEON file.
#if defined(__ARM_FEATURE_DOTPROD)
#define GGML_NEON_TABLE(f) f##_neon_dotprod
#else
#define GGML_NEON_TABLE(f) f##_neon
#endif

// For the codecs' functions, which GCC otherwise keeps out of line when a
// super-block's kernel grows large (vectors then pass through memory).
#define GGML_FORCE_INLINE inline __attribute__((always_inline))

namespace {

using ggml::ROW_GROUP;

inline float fp16_to_f32(uint16_t h) {
    return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(h))), 0);
}
// Round to nearest even (the FPCR default), as the reference's fp32_to_fp16.
inline uint16_t f32_to_fp16(float f) {
    return vget_lane_u16(vreinterpret_u16_f16(vcvt_f16_f32(vdupq_n_f32(f))), 0);
}

inline uint16_t load_u16(const void *p) {
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline int32_t load_i32(const void *p) {
    int32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

struct act_meta {
    float d;
    float aux;
};

struct act_row {
    const char *y;
    const float *d, *aux;
};

// The 8 rows' sums, rows 0..3 and 4..7.
struct acc8 {
    float32x4_t lo, hi;
};

// A group block's quants as signed bytes: chunk c (elements 4c..4c+3) of
// rows 0..3 in q[c][0], of rows 4..7 in q[c][1].
struct chunks8 {
    int8x16_t q[8][2];
};

// Per row of a half, the sum over the 8 chunks of the products of its quants
// with the activation's 32 signed bytes at y.
inline int32x4_t dot_half(const chunks8 &w, int h, const int8_t *y) {
#if defined(__ARM_FEATURE_DOTPROD)
    const int8x16_t y0 = vld1q_s8(y), y1 = vld1q_s8(y + 16);
    int32x4_t a = vdotq_laneq_s32(vdupq_n_s32(0), w.q[0][h], y0, 0);
    int32x4_t b = vdotq_laneq_s32(vdupq_n_s32(0), w.q[1][h], y0, 1);
    a = vdotq_laneq_s32(a, w.q[2][h], y0, 2);
    b = vdotq_laneq_s32(b, w.q[3][h], y0, 3);
    a = vdotq_laneq_s32(a, w.q[4][h], y1, 0);
    b = vdotq_laneq_s32(b, w.q[5][h], y1, 1);
    a = vdotq_laneq_s32(a, w.q[6][h], y1, 2);
    b = vdotq_laneq_s32(b, w.q[7][h], y1, 3);
    return vaddq_s32(a, b);
#else
    // products of 2 rows' 4 bytes with the chunk's (twice), pairs added to
    // int32, then the pairs of each row
    int32x4_t sum = vdupq_n_s32(0);
    for (int c = 0; c < 8; c++) {
        const int8x8_t yc = vreinterpret_s8_s32(vdup_n_s32(load_i32(y + 4 * c)));
        const int32x4_t rows01 = vpaddlq_s16(vmull_s8(vget_low_s8(w.q[c][h]), yc));
        const int32x4_t rows23 = vpaddlq_s16(vmull_s8(vget_high_s8(w.q[c][h]), yc));
        sum = vaddq_s32(sum, vpaddq_s32(rows01, rows23));
    }
    return sum;
#endif
}

// The sum of a Q8_0 activation block's 32 quants.
inline float q8_sum(const char *yb) {
    return float(vaddlvq_s8(vld1q_s8((const int8_t *)yb + 2)) +
                 vaddlvq_s8(vld1q_s8((const int8_t *)yb + 18)));
}

// 4 floats from 4 fp16 at p.
inline float32x4_t load_f16x4(const char *p) {
    return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16((const uint16_t *)p)));
}

// sum + (dx * dy) * t, one rounding for the product of the scales (exact
// for two fp16) and one for the multiply-add, as the reference.
inline float32x4_t add_scaled(float32x4_t sum, float32x4_t t, float32x4_t dx, float dy) {
    return vfmaq_f32(sum, t, vmulq_n_f32(dx, dy));
}

// The 8 rows' integer sums over a super-block's parts, rows 0..3 and 4..7.
struct isum8 {
    int32x4_t lo, hi;
};

// A part's index as a type, so that its offsets and shifts are constants.
template <int P> struct part_index { static constexpr int value = P; };

// Parts P..N-1 of a block, in order: f(part_index<P>()), ...
template <int P, int N, class F> GGML_FORCE_INLINE void for_parts(F &&f) {
    if constexpr (P < N) {
        f(part_index<P>());
        for_parts<P + 1, N>(f);
    }
}

template <class C, int NY>
void group_tile(int64_t nb, float *s, size_t bs, const char *x, const act_row *rows) {
    acc8 acc[NY];
    for (int j = 0; j < NY; j++) acc[j] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
    for (int64_t b = 0; b < nb; b++) {
        const char *xb = x + b * ROW_GROUP * int64_t(C::x_size);
        const int64_t yoff = b * int64_t(C::y_size);
        const typename C::weights w = C::decode(xb);
        if constexpr (requires { C::SUBS; }) {
            for_parts<0, C::SUBS>([&](auto p) {
                constexpr int S = decltype(p)::value;
                const typename C::sub q = C::template decode_sub<S>(xb);
                const int64_t a = b * C::SUBS + S; // the activation block
                for (int j = 0; j < NY; j++)
                    acc[j] = C::step_sub(acc[j], w, q, rows[j].y + a * int64_t(C::y_size),
                                         rows[j].d[a], rows[j].aux[a]);
            });
        } else if constexpr (requires { C::PARTS; }) {
            isum8 sum[NY];
            for (int j = 0; j < NY; j++) sum[j] = {vdupq_n_s32(0), vdupq_n_s32(0)};
            for_parts<0, C::PARTS>([&](auto p) {
                constexpr int P = decltype(p)::value;
                const typename C::part q = C::template decode_part<P>(xb, w);
                for (int j = 0; j < NY; j++)
                    sum[j] = C::template step_part<P>(sum[j], q, rows[j].y + yoff);
            });
            for (int j = 0; j < NY; j++)
                acc[j] =
                    C::finish(acc[j], sum[j], w, rows[j].y + yoff, rows[j].d[b], rows[j].aux[b]);
        } else {
            for (int j = 0; j < NY; j++)
                acc[j] = C::step(acc[j], w, rows[j].y + yoff, rows[j].d[b], rows[j].aux[b]);
        }
    }
    for (int j = 0; j < NY; j++) {
        vst1q_f32(s + j * bs, acc[j].lo);
        vst1q_f32(s + j * bs + 4, acc[j].hi);
    }
}

// format_kernels::gemm for codec C (see traits.h for the contract).
template <class C>
void gemm(int64_t n, float *s, size_t bs, const void *vx, size_t bx, int ng, const void *vy,
          size_t by, int ny) {
    const int64_t nb = n / C::QK;
    int64_t na = nb; // activation blocks a row
    if constexpr (requires { C::SUBS; }) na = nb * C::SUBS;
    const char *x = static_cast<const char *>(vx);
    const char *y = static_cast<const char *>(vy);
    auto *meta = static_cast<float *>(
        ggml::kernel_scratch(size_t(na) * 2 * sizeof(float) * size_t(ny < 4 ? ny : 4)));
    act_row rows[4];
    for (int j0 = 0; j0 < ny; j0 += 4) {
        const int nyc = ny - j0 < 4 ? ny - j0 : 4;
        for (int j = 0; j < nyc; j++) {
            const char *yj = y + size_t(j0 + j) * by;
            float *d = meta + size_t(j) * 2 * size_t(na), *aux = d + na;
            for (int64_t b = 0; b < na; b++) {
                const act_meta m = C::act(yj + b * int64_t(C::y_size));
                d[b] = m.d;
                aux[b] = m.aux;
            }
            rows[j] = {yj, d, aux};
        }
        float *out = s + size_t(j0) * bs;
        for (int g = 0; g < ng; g++) {
            const char *xg = x + size_t(g) * bx;
            float *sg = out + size_t(g) * ROW_GROUP;
            switch (nyc) {
            case 1: group_tile<C, 1>(nb, sg, bs, xg, rows); break;
            case 2: group_tile<C, 2>(nb, sg, bs, xg, rows); break;
            case 3: group_tile<C, 3>(nb, sg, bs, xg, rows); break;
            default: group_tile<C, 4>(nb, sg, bs, xg, rows); break;
            }
        }
    }
}

// The codec of a format whose value is d * (q - offset) against Q8_0, with
// the 8 rows' fp16 d first in a group block: Quants::decode(group block,
// chunks) fills the quants (0..15, as signed bytes) and
// Quants::offsets(group block) gives each half's offsets as floats.
// sum((q - o) y) = sum(q y) - o sum(y), exactly in float.
template <class Quants> struct offset_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = Quants::x_size, y_size = 34;
    struct weights {
        chunks8 q;
        float32x4_t d[2], o[2];
    };
    static act_meta act(const char *yb) { return {fp16_to_f32(load_u16(yb)), q8_sum(yb)}; }
    static weights decode(const char *x) {
        weights w;
        w.d[0] = load_f16x4(x);
        w.d[1] = load_f16x4(x + 8);
        Quants::offsets(x, w.o);
        Quants::decode(x, &w.q);
        return w;
    }
    static acc8 step(acc8 acc, const weights &w, const char *yb, float dy, float aux) {
        const int8_t *qs = (const int8_t *)yb + 2;
        float32x4_t t[2];
        for (int h = 0; h < 2; h++)
            t[h] = vfmsq_f32(vcvtq_f32_s32(dot_half(w.q, h, qs)), w.o[h], vdupq_n_f32(aux));
        return {add_scaled(acc.lo, t[0], w.d[0], dy), add_scaled(acc.hi, t[1], w.d[1], dy)};
    }
};

// The 8 chunks of 128 bytes of nibbles at p: 32-byte unit i holds bytes
// 4i..4i+3 of each row's qs, elements 4i.. in the low nibbles (chunk i) and
// 16+4i.. in the high ones (chunk i + 4).
inline void nibble_chunks(const char *p, chunks8 *w) {
    for (int i = 0; i < 4; i++) {
        for (int h = 0; h < 2; h++) {
            const uint8x16_t v = vld1q_u8((const uint8_t *)p + 32 * i + 16 * h);
            w->q[i][h] = vreinterpretq_s8_u8(vandq_u8(v, vdupq_n_u8(0x0f)));
            w->q[i + 4][h] = vreinterpretq_s8_u8(vshrq_n_u8(v, 4));
        }
    }
}

// lo plus `value` (a bit that lo's bytes never have set) in the bytes of
// chunk C (elements 4C..4C+3 of 4 rows) whose bit is set in the row's bit
// plane: qh holds the 4 rows' 32-bit masks, element j's bit at bit j % 8 of
// byte j / 8 (Q3_Z's qh, Q5_0's and Q5_1's qh), so chunk C's bits are bits
// 4 (C % 2) + 0..3 of byte C / 2.
template <int C> inline int8x16_t add_plane_bit(uint8x16_t lo, uint8x16_t qh, uint8_t value) {
    // byte C / 2 of each row's mask in all 4 bytes of its lane, then each
    // byte's own bit
    const uint8x16_t rows =
        vcombine_u8(vcreate_u8(0x0404040400000000ull), vcreate_u8(0x0c0c0c0c08080808ull));
    const uint8x16_t idx = vaddq_u8(rows, vdupq_n_u8(C / 2));
    const uint8x16_t bit = vreinterpretq_u8_u32(vdupq_n_u32(0x08040201u << (4 * (C % 2))));
    const uint8x16_t set = vtstq_u8(vqtbl1q_u8(qh, idx), bit);
    return vreinterpretq_s8_u8(vorrq_u8(lo, vandq_u8(set, vdupq_n_u8(value))));
}

// value = d * q + m, against Q8_1 whose s = dy * sum(y) carries the m term:
// the reference adds m * s first, then d * dy * sum(q y). Quants::decode
// fills the quants from the group block (after its 8 d and 8 m).
template <class Quants> struct min_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = Quants::x_size, y_size = 36;
    struct weights {
        chunks8 q;
        float32x4_t d[2], m[2];
    };
    static act_meta act(const char *yb) {
        return {fp16_to_f32(load_u16(yb)), fp16_to_f32(load_u16(yb + 2))};
    }
    static weights decode(const char *x) {
        weights w;
        w.d[0] = load_f16x4(x);
        w.d[1] = load_f16x4(x + 8);
        w.m[0] = load_f16x4(x + 16);
        w.m[1] = load_f16x4(x + 24);
        Quants::decode(x, &w.q);
        return w;
    }
    static acc8 step(acc8 acc, const weights &w, const char *yb, float dy, float aux) {
        const int8_t *qs = (const int8_t *)yb + 4;
        float32x4_t out[2] = {acc.lo, acc.hi};
        for (int h = 0; h < 2; h++) {
            out[h] = vfmaq_n_f32(out[h], w.m[h], aux);
            out[h] = add_scaled(out[h], vcvtq_f32_s32(dot_half(w.q, h, qs)), w.d[h], dy);
        }
        return {out[0], out[1]};
    }
};

// value = d * (q - z), one (d, z) per row for N sub-blocks of 32 (1 for
// Q4_Z and Q3_Z, 4 for their 128-weight blocks): the rows' d, their z, then
// each sub-block's payload (Payload::PAYLOAD bytes a row), which
// Payload::decode(payload, chunks) turns into quants. sum((q - z) y) =
// sum(q y) - z sum(y), exactly in float.
template <class Payload, int N> struct zero_point_codec {
    static constexpr int SUBS = N;
    static constexpr int64_t QK = 32 * N;
    static constexpr size_t x_size = 3 + N * Payload::PAYLOAD, y_size = 34;
    struct weights {
        float32x4_t d[2], z[2];
    };
    using sub = chunks8;
    static act_meta act(const char *yb) { return {fp16_to_f32(load_u16(yb)), q8_sum(yb)}; }
    static weights decode(const char *x) {
        weights w;
        w.d[0] = load_f16x4(x);
        w.d[1] = load_f16x4(x + 8);
        const uint16x8_t z = vmovl_u8(vld1_u8((const uint8_t *)x + 16));
        w.z[0] = vcvtq_f32_u32(vmovl_u16(vget_low_u16(z)));
        w.z[1] = vcvtq_f32_u32(vmovl_u16(vget_high_u16(z)));
        return w;
    }
    template <int S> static sub decode_sub(const char *x) {
        sub q;
        Payload::decode(x + 24 + S * ROW_GROUP * Payload::PAYLOAD, &q);
        return q;
    }
    static acc8 step_sub(acc8 acc, const weights &w, const sub &q, const char *yb, float dy,
                         float aux) {
        const int8_t *qs = (const int8_t *)yb + 2;
        float32x4_t t[2];
        for (int h = 0; h < 2; h++)
            t[h] = vfmsq_f32(vcvtq_f32_s32(dot_half(q, h, qs)), w.z[h], vdupq_n_f32(aux));
        return {add_scaled(acc.lo, t[0], w.d[0], dy), add_scaled(acc.hi, t[1], w.d[1], dy)};
    }
};

} // namespace
