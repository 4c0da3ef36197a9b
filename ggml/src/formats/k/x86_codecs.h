// The x86 codecs of the K-quants in row groups (x86/groups.h), over a vector
// width W (x86/widths.h). A super-block is decoded in parts of 32 elements
// (the driver's PARTS); each row's integer total (k/super_block.h) grows in
// its 32-bit lane, sub-block by sub-block times its scale, and the float
// terms come once per super-block in finish.
//
// The group layouts (registry.cpp) put each block's packed scales in the
// interleaved part of the group block, before the quants: a 32-byte unit
// then holds 4 scale bytes of each of the 8 rows in its lane, so decoding a
// sub-block's scale for all rows is one byte shuffle.
#pragma once

#include "formats/x86/groups.h"
#include "k/q8_K_layout.h"

namespace {

// A byte shuffle that fills each 32-bit lane (a row) with bytes b0..b3 of
// the same lane, -1 for a zero byte.
GGML_FORCE_INLINE __m128i lane_bytes(int b0, int b1, int b2, int b3) {
    const auto at = [](int r, int b) { return char(b < 0 ? -128 : 4 * r + b); };
    return _mm_setr_epi8(at(0, b0), at(0, b1), at(0, b2), at(0, b3), at(1, b0), at(1, b1),
                         at(1, b2), at(1, b3), at(2, b0), at(2, b1), at(2, b2), at(2, b3),
                         at(3, b0), at(3, b1), at(3, b2), at(3, b3));
}

// Byte K of each lane as the multiplier of scaled_dot<N>: an int32 where
// scaled_dot takes dpbusd's sums (WIDE), otherwise an int16 in both halves
// of the lane (for madd or dpwssd). U: unsigned bytes (Q4_K's, Q5_K's 6-bit
// scales), S: signed ones (Q6_K's).
template <int N> constexpr bool WIDE = false;
#if defined(__AVX512VNNI__)
template <> constexpr bool WIDE<8> = true;
#endif
template <class W, int K, int N> GGML_FORCE_INLINE typename W::iv scale_u8(typename W::iv v) {
    if constexpr (WIDE<N>)
        return W::shuffle8(v, W::bcast128(lane_bytes(K, -1, -1, -1)));
    else
        return W::shuffle8(v, W::bcast128(lane_bytes(K, -1, K, -1)));
}
template <class W, int K, int N> GGML_FORCE_INLINE typename W::iv scale_s8(typename W::iv v) {
    if constexpr (WIDE<N>)
        return W::template srai32<24>(W::shuffle8(v, W::bcast128(lane_bytes(-1, -1, -1, K))));
    else
        return W::template srai16<8>(W::shuffle8(v, W::bcast128(lane_bytes(-1, K, -1, K))));
}

// sum + scale * (the dot products of N chunks of unsigned quants q with the
// activation's signed bytes at qs), per lane, exactly. With VNNI, a whole
// sub-block of 32 (N = 8) is summed by dpbusd in int32 and multiplied once;
// otherwise PER16 maddubs results add up in int16 before madd (or dpwssd)
// multiplies them by the scale and widens: 8 for quants up to 15 (8 * 2 *
// 15 * 127 < 2^15), 4 up to 31, 2 up to 63. For sub-blocks of 16 (N = 4)
// that is faster with VNNI too: dpbusd's int32 sums would need a multiply
// and an add for every 4 chunks.
template <class W, int N, int PER16>
GGML_FORCE_INLINE typename W::iv scaled_dot(typename W::iv sum, const typename W::iv *q,
                                            const char *qs, typename W::iv scale) {
    if constexpr (WIDE<N>) {
        // two chains, so that the dependent dpbusd latencies overlap
        typename W::iv a = W::dpbusd(W::izero(), q[0], W::chunk(qs, 0));
        typename W::iv b = W::dpbusd(W::izero(), q[1], W::chunk(qs, 1));
        for (int c = 2; c < N; c += 2) {
            a = W::dpbusd(a, q[c], W::chunk(qs, c));
            b = W::dpbusd(b, q[c + 1], W::chunk(qs, c + 1));
        }
        return W::add32(sum, W::mullo32(W::add32(a, b), scale));
    }
    for (int h = 0; h < N; h += PER16) {
        typename W::iv t = W::maddubs(q[h], W::chunk(qs, h));
        for (int c = h + 1; c < h + PER16; c++) t = W::add16(t, W::maddubs(q[c], W::chunk(qs, c)));
        sum = W::madd_acc(sum, t, scale);
    }
    return sum;
}

// Q4_K and Q5_K: value d * s_j * q - dmin * m_j over 8 sub-blocks of 32.
// Group block: the rows' d, dmin, then 3 units of packed scales and mins,
// then the quants (at Q<W>::quants_at). Q<W>::quants<P>(x, bx, q) decodes
// sub-block P's 8 chunks; Q<W>::PER16 as scaled_dot's.
template <class W, template <class> class Q> struct scale_min_codec {
    using iv = typename W::iv;
    using fv = typename W::fv;
    static constexpr int64_t QK = 256;
    static constexpr size_t x_size = Q<W>::x_size, y_size = Q8K_SIZE;
    static constexpr int PARTS = 8;
    struct weights {
        fv d, dmin;
        iv scales[2]; // bytes j % 4 of each lane: sub-block j's scale (j < 4, j >= 4)
        iv mins[8];   // sub-block j's min as int16 in both halves of each lane
    };
    struct part {
        iv q[8], scale;
    };
    GGML_FORCE_INLINE static act_meta act(const char *yb) { return q8_K_act(yb); }

    // The 12 bytes of scales and mins (k/ref.cpp's scale_min): units s0, s1,
    // s2 hold bytes 0..3, 4..7, 8..11; sub-block j < 4 has its scale and
    // min in the low 6 bits of s0 and s1, j >= 4 the low 4 bits in s2's
    // nibbles and the high 2 in the top bits of s0 and s1.
    GGML_FORCE_INLINE static weights decode(const char *x, size_t bx) {
        const iv s0 = W::load(x, bx, 32), s1 = W::load(x, bx, 64), s2 = W::load(x, bx, 96);
        const iv low6 = W::set1_8(63), low4 = W::set1_8(15), top2 = W::set1_8(0x30);
        weights w;
        w.d = W::load_f16(x, bx, 0);
        w.dmin = W::load_f16(x, bx, 16);
        w.scales[0] = W::and_(s0, low6);
        w.scales[1] = W::or_(W::and_(s2, low4), W::and_(W::template srli16<2>(s0), top2));
        const iv mins[2] = {W::and_(s1, low6), W::or_(W::and_(W::template srli16<4>(s2), low4),
                                                      W::and_(W::template srli16<2>(s1), top2))};
        w.mins[0] = W::shuffle8(mins[0], W::bcast128(lane_bytes(0, -1, 0, -1)));
        w.mins[1] = W::shuffle8(mins[0], W::bcast128(lane_bytes(1, -1, 1, -1)));
        w.mins[2] = W::shuffle8(mins[0], W::bcast128(lane_bytes(2, -1, 2, -1)));
        w.mins[3] = W::shuffle8(mins[0], W::bcast128(lane_bytes(3, -1, 3, -1)));
        w.mins[4] = W::shuffle8(mins[1], W::bcast128(lane_bytes(0, -1, 0, -1)));
        w.mins[5] = W::shuffle8(mins[1], W::bcast128(lane_bytes(1, -1, 1, -1)));
        w.mins[6] = W::shuffle8(mins[1], W::bcast128(lane_bytes(2, -1, 2, -1)));
        w.mins[7] = W::shuffle8(mins[1], W::bcast128(lane_bytes(3, -1, 3, -1)));
        return w;
    }
    template <int P>
    GGML_FORCE_INLINE static part decode_part(const char *x, size_t bx, const weights &w) {
        part p;
        Q<W>::template quants<P>(x, bx, p.q);
        p.scale = scale_u8<W, P % 4, 8>(w.scales[P / 4]);
        return p;
    }
    template <int P> GGML_FORCE_INLINE static iv step_part(iv sum, const part &p, const char *yb) {
        return scaled_dot<W, 8, Q<W>::PER16>(sum, p.q, yb + Q8K_QS + 32 * P, p.scale);
    }
    // the mins against the activation's bsums: sub-block j's two, summed
    // by madd with the min in both halves of each lane
    GGML_FORCE_INLINE static fv finish(fv acc, iv sum, const weights &w, const char *yb, float dy,
                                       float) {
        iv m = W::madd(w.mins[0], W::set1_32(load_u32(yb + Q8K_BSUMS)));
        for (int j = 1; j < 8; j++)
            m = W::add32(m, W::madd(w.mins[j], W::set1_32(load_u32(yb + Q8K_BSUMS + 4 * j))));
        acc = add_scaled<W>(acc, W::cvt(sum), w.d, dy);
        return W::fnma(W::cvt(m), W::mul(w.dmin, W::fset1(dy)), acc);
    }
};

// Q4_K: unit 8c + i of the quants (at 128) holds bytes 4i..4i+3 of
// qs[32c..], elements 64c + 4i.. (sub-block 2c) in the low nibbles and
// 64c + 32 + 4i.. (sub-block 2c + 1) in the high ones.
template <class W> struct q4_K_quants {
    static constexpr size_t x_size = 144;
    static constexpr int PER16 = 8;
    template <int P>
    GGML_FORCE_INLINE static void quants(const char *x, size_t bx, typename W::iv q[8]) {
        const typename W::iv low4 = W::set1_8(15);
        for (int i = 0; i < 8; i++) {
            const typename W::iv v = W::load(x, bx, 128 + 32 * (8 * (P / 2) + i));
            q[i] = W::and_(W::template srli16<4 * (P % 2)>(v), low4);
        }
    }
};
template <class W> using q4_K_codec = scale_min_codec<W, q4_K_quants>;

// Q5_K: Q4_K's nibbles (at 384) plus the fifth bit, bit j of qh byte l for
// element 32 j + l: qh unit i (at 128) holds the bits of chunk i of every
// sub-block.
template <class W> struct q5_K_quants {
    static constexpr size_t x_size = 176;
    static constexpr int PER16 = 4;
    template <int P>
    GGML_FORCE_INLINE static void quants(const char *x, size_t bx, typename W::iv q[8]) {
        using iv = typename W::iv;
        const iv low4 = W::set1_8(15), bit4 = W::set1_8(16);
        for (int i = 0; i < 8; i++) {
            const iv v = W::load(x, bx, 384 + 32 * (8 * (P / 2) + i));
            const iv h = W::load(x, bx, 128 + 32 * i);
            // bit P of each byte to bit 4 (16-bit shifts: what crosses from
            // the neighbouring byte never reaches bit 4)
            iv high;
            if constexpr (P <= 4)
                high = W::template slli16<4 - P>(h);
            else
                high = W::template srli16<P - 4>(h);
            q[i] = W::or_(W::and_(W::template srli16<4 * (P % 2)>(v), low4), W::and_(high, bit4));
        }
    }
};
template <class W> using q5_K_codec = scale_min_codec<W, q5_K_quants>;

// Q2_K, Q3_K and Q6_K: 16 sub-blocks of 16, so a part of 32 elements
// (part P = 4h + k: elements 128h + 32k + l, l < 32, as their quants are
// stored) spans sub-blocks 2P and 2P + 1. Q<W> gives:
//   x_size, PER16 (as scaled_dot's);
//   scales(x, bx, s): the 16 scales, sub-block j's in byte j % 4 of each
//     lane of s[j / 4], signed where SIGNED;
//   quants<P>(x, bx, q): part P's 8 chunks of unsigned quants;
//   OFFSET_SHIFT: for Q3_K and Q6_K, whose levels are stored plus 2^shift
//     (4, 32) and kept so for maddubs: the total is sum_j s_j (sum q y) -
//     2^shift sum_j s_j bsum_j, the second sum from the activation's bsums;
//   or mins(x, bx, m) (Q2_K): the mins as the scales, their term d_min *
//     sum_j m_j bsum_j subtracted in float as the reference does.
// The rows' d (and Q2_K's dmin) come first in a group block.
template <class W, template <class> class Q> struct sub16_codec {
    using iv = typename W::iv;
    using fv = typename W::fv;
    static constexpr int64_t QK = 256;
    static constexpr size_t x_size = Q<W>::x_size, y_size = Q8K_SIZE;
    static constexpr int PARTS = 8;
    static constexpr bool has_min = requires { Q<W>::mins; };
    struct weights {
        fv d, dmin;
        iv scales[4];
        iv mins[4]; // Q2_K's, as scales
    };
    struct part {
        iv q[8], scale[2];
    };
    GGML_FORCE_INLINE static act_meta act(const char *yb) { return q8_K_act(yb); }
    GGML_FORCE_INLINE static weights decode(const char *x, size_t bx) {
        weights w;
        w.d = W::load_f16(x, bx, 0);
        Q<W>::scales(x, bx, w.scales);
        if constexpr (has_min) {
            w.dmin = W::load_f16(x, bx, 16);
            Q<W>::mins(x, bx, w.mins);
        }
        return w;
    }
    template <int P>
    GGML_FORCE_INLINE static part decode_part(const char *x, size_t bx, const weights &w) {
        part p;
        Q<W>::template quants<P>(x, bx, p.q);
        if constexpr (has_min) {
            p.scale[0] = scale_u8<W, (2 * P) % 4, 4>(w.scales[P / 2]);
            p.scale[1] = scale_u8<W, (2 * P + 1) % 4, 4>(w.scales[P / 2]);
        } else {
            p.scale[0] = scale_s8<W, (2 * P) % 4, 4>(w.scales[P / 2]);
            p.scale[1] = scale_s8<W, (2 * P + 1) % 4, 4>(w.scales[P / 2]);
        }
        return p;
    }
    template <int P> GGML_FORCE_INLINE static iv step_part(iv sum, const part &p, const char *yb) {
        const char *qs = yb + Q8K_QS + 32 * P;
        sum = scaled_dot<W, 4, Q<W>::PER16>(sum, p.q, qs, p.scale[0]);
        return scaled_dot<W, 4, Q<W>::PER16>(sum, p.q + 4, qs + 16, p.scale[1]);
    }
    GGML_FORCE_INLINE static fv finish(fv acc, iv sum, const weights &w, const char *yb, float dy,
                                       float) {
        // sub-blocks 2k and 2k + 1 as int16 in each lane, the scales (for
        // the offset) or the mins, against bsums 2k and 2k + 1; made here
        // rather than kept from decode, to leave the parts' registers free
        iv o = W::izero();
        for (int k = 0; k < 8; k++) {
            iv pair;
            if constexpr (has_min)
                pair = W::shuffle8(w.mins[k / 2], W::bcast128(k % 2 ? lane_bytes(2, -1, 3, -1)
                                                                    : lane_bytes(0, -1, 1, -1)));
            else
                pair = W::template srai16<8>(W::shuffle8(
                    w.scales[k / 2],
                    W::bcast128(k % 2 ? lane_bytes(-1, 2, -1, 3) : lane_bytes(-1, 0, -1, 1))));
            o = W::add32(o, W::madd(pair, W::set1_32(load_u32(yb + Q8K_BSUMS + 4 * k))));
        }
        if constexpr (has_min) {
            acc = add_scaled<W>(acc, W::cvt(sum), w.d, dy);
            return W::fnma(W::cvt(o), W::mul(w.dmin, W::fset1(dy)), acc);
        } else {
            const iv total = W::sub32(sum, W::template slli32<Q<W>::OFFSET_SHIFT>(o));
            return add_scaled<W>(acc, W::cvt(total), w.d, dy);
        }
    }
};

// Bits S, S + 1 (N = 2) or bit S (N = 1) of each byte of v, moved to bit D
// (16-bit shifts: what crosses from the neighbouring byte never reaches
// the bits kept).
template <class W, int S, int D, int N> GGML_FORCE_INLINE typename W::iv bits_to(typename W::iv v) {
    const typename W::iv mask = W::set1_8(char(((1 << N) - 1) << D));
    if constexpr (S < D)
        return W::and_(W::template slli16<D - S>(v), mask);
    else
        return W::and_(W::template srli16<S - D>(v), mask);
}

// Q6_K: value d * s_j * (q - 32), q in 0..63. Group block: the rows' d,
// then ql (32 units at 16), qh (16 at 1040), scales (4 at 1552). Element
// 128h + 32k + l has its low 4 bits in nibble k / 2 of ql unit 16h + 8(k %
// 2) + l / 4, its high 2 at bits 2k of qh unit 8h + l / 4.
template <class W> struct q6_K_quants {
    static constexpr size_t x_size = 210;
    static constexpr int PER16 = 2, OFFSET_SHIFT = 5;
    GGML_FORCE_INLINE static void scales(const char *x, size_t bx, typename W::iv s[4]) {
        for (int t = 0; t < 4; t++) s[t] = W::load(x, bx, 1552 + 32 * t);
    }
    template <int P>
    GGML_FORCE_INLINE static void quants(const char *x, size_t bx, typename W::iv q[8]) {
        constexpr int h = P / 4, k = P % 4;
        for (int i = 0; i < 8; i++) {
            const typename W::iv lo = W::load(x, bx, 16 + 32 * (16 * h + 8 * (k % 2) + i));
            const typename W::iv hi = W::load(x, bx, 1040 + 32 * (8 * h + i));
            q[i] = W::or_(bits_to<W, 4 * (k / 2), 0, 4>(lo), bits_to<W, 2 * k, 4, 2>(hi));
        }
    }
};
template <class W> using q6_K_codec = sub16_codec<W, q6_K_quants>;

// Q3_K: value d * (s_j - 32) * (q - 4), q in 0..7. Group block: the rows'
// d, then hmask (8 units at 16), qs (16 at 272), scales (3 at 784).
// Element 128h + 32k + l has its low 2 bits at bits 2k of qs unit 8h + l /
// 4, its high bit at bit 4h + k of hmask unit l / 4. Scale j: low 4 bits
// in nibble j / 8 of byte j % 8, high 2 at bits 2 (j / 4) of byte 8 + j %
// 4 (units t0, t1, t2 hold bytes 0..3, 4..7, 8..11).
template <class W> struct q3_K_quants {
    static constexpr size_t x_size = 110;
    static constexpr int PER16 = 4, OFFSET_SHIFT = 2;
    GGML_FORCE_INLINE static void scales(const char *x, size_t bx, typename W::iv s[4]) {
        using iv = typename W::iv;
        const iv t0 = W::load(x, bx, 784), t1 = W::load(x, bx, 816), t2 = W::load(x, bx, 848);
        const iv bias = W::set1_8(32);
        s[0] = W::sub8(W::or_(bits_to<W, 0, 0, 4>(t0), bits_to<W, 0, 4, 2>(t2)), bias);
        s[1] = W::sub8(W::or_(bits_to<W, 0, 0, 4>(t1), bits_to<W, 2, 4, 2>(t2)), bias);
        s[2] = W::sub8(W::or_(bits_to<W, 4, 0, 4>(t0), bits_to<W, 4, 4, 2>(t2)), bias);
        s[3] = W::sub8(W::or_(bits_to<W, 4, 0, 4>(t1), bits_to<W, 6, 4, 2>(t2)), bias);
    }
    template <int P>
    GGML_FORCE_INLINE static void quants(const char *x, size_t bx, typename W::iv q[8]) {
        constexpr int h = P / 4, k = P % 4;
        for (int i = 0; i < 8; i++) {
            const typename W::iv lo = W::load(x, bx, 272 + 32 * (8 * h + i));
            const typename W::iv hi = W::load(x, bx, 16 + 32 * i);
            q[i] = W::or_(bits_to<W, 2 * k, 0, 2>(lo), bits_to<W, P, 2, 1>(hi));
        }
    }
};
template <class W> using q3_K_codec = sub16_codec<W, q3_K_quants>;

// Q2_K: value d * s_j * q - dmin * m_j, q in 0..3, s_j and m_j the low and
// high nibbles of scales[j]. Group block: the rows' d, dmin, then scales
// (4 units at 32), qs (16 at 160); element 128h + 32k + l at bits 2k of qs
// unit 8h + l / 4.
template <class W> struct q2_K_quants {
    static constexpr size_t x_size = 84;
    static constexpr int PER16 = 4;
    GGML_FORCE_INLINE static void scales(const char *x, size_t bx, typename W::iv s[4]) {
        for (int t = 0; t < 4; t++) s[t] = bits_to<W, 0, 0, 4>(W::load(x, bx, 32 + 32 * t));
    }
    GGML_FORCE_INLINE static void mins(const char *x, size_t bx, typename W::iv m[4]) {
        for (int t = 0; t < 4; t++) m[t] = bits_to<W, 4, 0, 4>(W::load(x, bx, 32 + 32 * t));
    }
    template <int P>
    GGML_FORCE_INLINE static void quants(const char *x, size_t bx, typename W::iv q[8]) {
        constexpr int h = P / 4, k = P % 4;
        for (int i = 0; i < 8; i++)
            q[i] = bits_to<W, 2 * k, 0, 2>(W::load(x, bx, 160 + 32 * (8 * h + i)));
    }
};
template <class W> using q2_K_codec = sub16_codec<W, q2_K_quants>;

} // namespace
