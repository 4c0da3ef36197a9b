// The x86 codecs of the 4-bit blocks in row groups (x86/groups.h), over a
// vector width W (x86/widths.h). Nibbles stay unsigned (0..15) so maddubs or
// vpdpbusd multiplies them with the signed activation bytes; the offset (8
// for Q4_0, z for Q4_Z) comes off afterwards as offset * sum(y), exactly, in
// float.
#pragma once

#include "formats/x86/groups.h"

namespace {

// The 8 chunks of a group block's nibbles (128 bytes at p, and at p + bx
// for a second group): 32-byte unit i holds bytes 4i..4i+3 of each row's qs,
// elements 4i..4i+3 in the low nibbles (chunk i) and 16+4i..19+4i in the
// high ones (chunk i + 4).
template <class W> inline void nibble_chunks(const char *p, size_t bx, typename W::iv q[8]) {
    const typename W::iv mask = W::set1_8(0x0f);
    for (int i = 0; i < 4; i++) {
        const typename W::iv v = W::load(p, bx, 32 * i);
        q[i] = W::and_(v, mask);
        q[i + 4] = W::and_(W::template srli16<4>(v), mask);
    }
}

// value = d * (q - offset): sum((q - offset) y) = sum(q y) - offset sum(y),
// the dot product started from -offset sum(y) (integers below 2^24, so
// exact in float). Q<W> gives the block size, the offset, the quants of a
// group block (after its d) and their dot product with an activation
// block's quants.
template <class W, template <class> class Q> struct offset_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = Q<W>::x_size, y_size = 34;
    static constexpr int y_qs = 2;
    struct weights {
        typename W::iv q[8];
        typename W::fv d;
    };
    static act_meta act(const char *yb) {
        return {fp16_to_f32(load_u16(yb)), 0.0f, -Q<W>::offset * q8_sum(yb)};
    }
    static weights decode(const char *x, size_t bx) {
        weights w;
        w.d = W::load_f16(x, bx, 0);
        Q<W>::quants(x, bx, w.q);
        return w;
    }
    static typename W::iv dot(const typename W::iv q[8], const char *qs) {
        return Q<W>::dot(q, qs);
    }
    static typename W::fv step_dot(typename W::fv acc, const weights &w, typename W::iv sum,
                                   float dy, float) {
        return add_scaled<W>(acc, W::cvt(sum), w.d, dy);
    }
};

// value = d * q + m, against Q8_1 whose s = dy * sum(y) carries the m term:
// the reference adds m * s first, then d * dy * sum(q y). Q<W> as above,
// its quants after the rows' d and m.
template <class W, template <class> class Q> struct min_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = Q<W>::x_size, y_size = 36;
    static constexpr int y_qs = 4;
    struct weights {
        typename W::iv q[8];
        typename W::fv d, m;
    };
    static act_meta act(const char *yb) {
        return {fp16_to_f32(load_u16(yb)), fp16_to_f32(load_u16(yb + 2))};
    }
    static weights decode(const char *x, size_t bx) {
        weights w;
        w.d = W::load_f16(x, bx, 0);
        w.m = W::load_f16(x, bx, 16);
        Q<W>::quants(x, bx, w.q);
        return w;
    }
    static typename W::iv dot(const typename W::iv q[8], const char *qs) {
        return Q<W>::dot(q, qs);
    }
    static typename W::fv step_dot(typename W::fv acc, const weights &w, typename W::iv sum,
                                   float dy, float aux) {
        acc = W::fma(w.m, W::fset1(aux), acc);
        return add_scaled<W>(acc, W::cvt(sum), w.d, dy);
    }
};

// Q4_0: value = d * (q - 8); group block: the rows' d, the nibbles
template <class W> struct q4_0_quants {
    static constexpr size_t x_size = 18;
    static constexpr int offset = 8;
    static void quants(const char *x, size_t bx, typename W::iv q[8]) {
        nibble_chunks<W>(x + 16, bx, q);
    }
    static typename W::iv dot(const typename W::iv q[8], const char *qs) {
        return dot_small<W>(q, qs);
    }
};
template <class W> using q4_0_codec = offset_codec<W, q4_0_quants>;

// Q4_1: value = d * q + m; group block: the rows' d, m, the nibbles
template <class W> struct q4_1_quants {
    static constexpr size_t x_size = 20;
    static void quants(const char *x, size_t bx, typename W::iv q[8]) {
        nibble_chunks<W>(x + 32, bx, q);
    }
    static typename W::iv dot(const typename W::iv q[8], const char *qs) {
        return dot_small<W>(q, qs);
    }
};
template <class W> using q4_1_codec = min_codec<W, q4_1_quants>;

// value = d * (q - z), one (d, z) per row for SUBS sub-blocks of 32 (1 for
// Q4_Z and Q3_Z, 4 for their 128-weight blocks), the rows' z after their d,
// then each sub-block's payload: sum((q - z) y) = sum(q y) - z sum(y),
// integers below 2^24 throughout, so exact in float. Chunks<W>::quants(
// payload, bx, q) decodes a sub-block's quants from its PAYLOAD bytes a row.
template <class W, template <class> class Chunks, int N> struct zero_point_codec {
    static constexpr int SUBS = N;
    static constexpr int64_t QK = 32 * N;
    static constexpr size_t x_size = 3 + N * Chunks<W>::PAYLOAD, y_size = 34;
    static constexpr int y_qs = 2;
    struct weights {
        typename W::fv d, z;
    };
    struct sub {
        typename W::iv q[8];
    };
    static act_meta act(const char *yb) { return {fp16_to_f32(load_u16(yb)), float(q8_sum(yb))}; }
    static weights decode(const char *x, size_t bx) {
        return {W::load_f16(x, bx, 0), W::load_u8(x, bx, 16)};
    }
    template <int S> static sub decode_sub(const char *x, size_t bx) {
        sub s;
        Chunks<W>::quants(x + 24 + S * ROW_GROUP * Chunks<W>::PAYLOAD, bx, s.q);
        return s;
    }
    static typename W::iv dot(const typename W::iv q[8], const char *qs) {
        return dot_small<W>(q, qs);
    }
    static typename W::fv step_sub_dot(typename W::fv acc, const weights &w, typename W::iv sum,
                                       float dy, float aux) {
        const typename W::fv t = W::fnma(w.z, W::fset1(aux), W::cvt(sum));
        return add_scaled<W>(acc, t, w.d, dy);
    }
};

template <class W> struct q4_z_chunks {
    static constexpr size_t PAYLOAD = 16;
    static void quants(const char *p, size_t bx, typename W::iv q[8]) {
        nibble_chunks<W>(p, bx, q);
    }
};
template <class W> using q4_z_codec = zero_point_codec<W, q4_z_chunks, 1>;
template <class W> using q4_z128_codec = zero_point_codec<W, q4_z_chunks, 4>;

} // namespace
