// The x86 codecs of IQ4_NL and IQ4_XS in row groups (x86/groups.h), over a
// vector width W (x86/widths.h): the nibbles index the 16 levels with one
// byte shuffle.
// The levels are signed: with VNNI, vpdpbusd takes them offset by 128 (a
// table of level + 128, all positive), the dot product from -128 sum(y);
// without it, signed_pairs multiplies them with the activation bytes, each
// chunk widened on its own.
#pragma once

#include "iq4/blocks.h"
#include "k/x86_codecs.h"
#include "q4/x86_codecs.h"

namespace {

#if defined(__AVX512VNNI__)
constexpr int IQ4_OFFSET = 128;
#else
constexpr int IQ4_OFFSET = 0;
#endif

// The 16 levels (plus IQ4_OFFSET) in every 128-bit lane, for shuffle8.
template <class W> inline typename W::iv iq4_table() {
    constexpr auto L = [](int i) { return char(ggml::IQ4_LEVELS[i] + IQ4_OFFSET); };
    return W::bcast128(_mm_setr_epi8(L(0), L(1), L(2), L(3), L(4), L(5), L(6), L(7), L(8), L(9),
                                     L(10), L(11), L(12), L(13), L(14), L(15)));
}

// value = d * IQ4_LEVELS[q]; group block: the rows' d, the nibbles
template <class W> struct iq4_nl_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = 18, y_size = 34;
    struct weights {
        typename W::iv q[8]; // the levels, plus IQ4_OFFSET
        typename W::fv d;
    };
    static constexpr int y_qs = 2;
    static act_meta act(const char *yb) {
        return {fp16_to_f32(load_u16(yb)), 0.0f, -IQ4_OFFSET * q8_sum(yb)};
    }
    static weights decode(const char *x, size_t bx) {
        const typename W::iv table = iq4_table<W>();
        weights w;
        w.d = W::load_f16(x, bx, 0);
        nibble_chunks<W>(x + 16, bx, w.q);
        for (int c = 0; c < 8; c++) w.q[c] = W::shuffle8(table, w.q[c]);
        return w;
    }
    // without VNNI (which dot_rows runs itself)
    static typename W::iv dot(const typename W::iv q[8], const char *qs) {
        typename W::iv sum = W::izero();
        for (int c = 0; c < 8; c++)
            sum = W::add32(sum, W::madd1(signed_pairs<W>(q[c], W::chunk(qs, c))));
        return sum;
    }
    static typename W::fv step_dot(typename W::fv acc, const weights &w, typename W::iv sum,
                                   float dy, float) {
        return add_scaled<W>(acc, W::cvt(sum), w.d, dy);
    }
};

// IQ4_XS: value d * (s_j - 32) * IQ4_LEVELS[q] over 8 sub-blocks of 32, in
// parts of one sub-block (x86/groups.h), against Q8_K. Group block: the
// rows' d, scales_h (as one uint16 each), then scales_l (one unit at 32)
// and the nibbles (32 units at 64): sub-block j's in units 4j..4j+3, Q4_0's
// order (chunk i in the low nibbles of unit 4j + i, chunk i + 4 in the
// high ones). With VNNI the levels are offset as IQ4_NL's, and 128 sum_j
// s_j bsum_j comes off the integer total.
template <class W> struct iq4_xs_codec {
    using iv = typename W::iv;
    using fv = typename W::fv;
    static constexpr int64_t QK = 256;
    static constexpr size_t x_size = 136, y_size = Q8K_SIZE;
    static constexpr int PARTS = 8;
    struct weights {
        fv d;
        iv scales[2]; // s_j - 32 in byte j % 4 of each lane of scales[j / 4]
#if defined(__AVX512VNNI__)
        iv pairs[8]; // s_j - 32 as int16 in both halves of each lane
#endif
    };
    struct part {
        iv q[8], scale;
    };
    GGML_FORCE_INLINE static act_meta act(const char *yb) { return q8_K_act(yb); }

    // bits 2j, 2j + 1 of h (j < 4) to bits 4, 5 of byte j of each lane
    GGML_FORCE_INLINE static iv high_bits(iv h) {
        const iv b0 = W::and_(W::template slli32<4>(h), W::set1_32(0x30));
        const iv b1 = W::and_(W::template slli32<10>(h), W::set1_32(0x3000));
        const iv b2 = W::and_(W::template slli32<16>(h), W::set1_32(0x300000));
        const iv b3 = W::and_(W::template slli32<22>(h), W::set1_32(0x30000000));
        return W::or_(W::or_(b0, b1), W::or_(b2, b3));
    }
    GGML_FORCE_INLINE static weights decode(const char *x, size_t bx) {
        const iv h = W::load_u16(x, bx, 16), l = W::load(x, bx, 32);
        const iv low4 = W::set1_8(15), bias = W::set1_8(32);
        const iv lo = W::and_(l, low4), hi = W::and_(W::template srli16<4>(l), low4);
        weights w;
        w.d = W::load_f16(x, bx, 0);
        // scale j's low 4 bits: nibble j % 2 of scales_l byte j / 2
        const iv low03 = W::or_(W::shuffle8(lo, W::bcast128(lane_bytes(0, -1, 1, -1))),
                                W::shuffle8(hi, W::bcast128(lane_bytes(-1, 0, -1, 1))));
        const iv low47 = W::or_(W::shuffle8(lo, W::bcast128(lane_bytes(2, -1, 3, -1))),
                                W::shuffle8(hi, W::bcast128(lane_bytes(-1, 2, -1, 3))));
        w.scales[0] = W::sub8(W::or_(low03, high_bits(h)), bias);
        w.scales[1] = W::sub8(W::or_(low47, high_bits(W::template srli32<8>(h))), bias);
#if defined(__AVX512VNNI__)
        for (int j = 0; j < 8; j++)
            w.pairs[j] = W::template srai16<8>(
                W::shuffle8(w.scales[j / 4], W::bcast128(lane_bytes(-1, j % 4, -1, j % 4))));
#endif
        return w;
    }
    template <int P>
    GGML_FORCE_INLINE static part decode_part(const char *x, size_t bx, const weights &w) {
        const iv table = iq4_table<W>(), low4 = W::set1_8(15);
        part p;
        for (int i = 0; i < 4; i++) {
            const iv v = W::load(x, bx, 64 + 32 * (4 * P + i));
            p.q[i] = W::shuffle8(table, W::and_(v, low4));
            p.q[i + 4] = W::shuffle8(table, W::and_(W::template srli16<4>(v), low4));
        }
        p.scale = scale_s8<W, P % 4, 8>(w.scales[P / 4]);
        return p;
    }
    template <int P> GGML_FORCE_INLINE static iv step_part(iv sum, const part &p, const char *yb) {
        const char *qs = yb + Q8K_QS + 32 * P;
#if defined(__AVX512VNNI__)
        return scaled_dot<W, 8, 8>(sum, p.q, qs, p.scale);
#else
        // each chunk's pair sums widened alone, times the sub-block's scale
        for (int c = 0; c < 8; c++)
            sum = W::add32(sum, W::madd(signed_pairs<W>(p.q[c], W::chunk(qs, c)), p.scale));
        return sum;
#endif
    }
    GGML_FORCE_INLINE static fv finish(fv acc, iv sum, const weights &w, const char *yb, float dy,
                                       float) {
#if defined(__AVX512VNNI__)
        iv o = W::madd(w.pairs[0], W::set1_32(load_u32(yb + Q8K_BSUMS)));
        for (int j = 1; j < 8; j++)
            o = W::add32(o, W::madd(w.pairs[j], W::set1_32(load_u32(yb + Q8K_BSUMS + 4 * j))));
        sum = W::sub32(sum, W::template slli32<7>(o));
#else
        (void)yb;
#endif
        return add_scaled<W>(acc, W::cvt(sum), w.d, dy);
    }
};

} // namespace
