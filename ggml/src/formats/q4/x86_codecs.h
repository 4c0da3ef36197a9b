// The x86 codecs of the 4-bit blocks, over an instruction-set policy Isa
// (x86/avx2.h, x86/avx512.h). Nibbles stay unsigned (0..15) so maddubs or
// vpdpbusd multiplies them with the signed activation bytes; the zero point
// (8 for Q4_0, z for Q4_Z) comes off afterwards as offset * sum(y), the
// activation block's integer sum computed once per gemm call.
#pragma once

#include "formats/x86/tiles.h"

namespace {

// value = d * (q - 8); sum((q - 8) y) = sum(q y) - 8 sum(y)
template <class Isa>
struct q4_0_codec : x86_codec<q4_0_codec<Isa>, Isa> {
    static constexpr size_t x_size = 18, y_size = 34, y_qs = 2;
    struct weights {
        typename Isa::quants q[4];
        __m128 d;
    };
    static act_meta act(const char *yb) {
        const act_meta a = q8_0_act_with_sum(yb);
        return {a.d, 8.0f * a.aux};
    }
    static weights decode(const char *const blk[4]) {
        weights w;
        for (int r = 0; r < 4; r++) w.q[r] = Isa::nibbles(blk[r] + 2);
        w.d = gather_d(blk);
        return w;
    }
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return scaled(_mm_sub_ps(_mm_cvtepi32_ps(dot), _mm_set1_ps(a.aux)), w.d, a.d); // exact
    }
};

// value = d * q + m, against Q8_1 whose s = dy * sum(y) carries the m term
template <class Isa>
struct q4_1_codec : x86_codec<q4_1_codec<Isa>, Isa> {
    static constexpr size_t x_size = 20, y_size = 36, y_qs = 4;
    struct weights {
        typename Isa::quants q[4];
        __m128 d, m;
    };
    static act_meta act(const char *yb) {
        return {fp16_to_f32(load_u16(yb)), fp16_to_f32(load_u16(yb + 2))};
    }
    static weights decode(const char *const blk[4]) {
        weights w;
        for (int r = 0; r < 4; r++) w.q[r] = Isa::nibbles(blk[r] + 4);
        gather_d_m(blk, &w.d, &w.m);
        return w;
    }
    static __m128 term(__m128i dot, const weights &w, act_meta a) { return min_term(dot, w.d, w.m, a); }
};

// value = d * (q - z), the nibbles after d and z
template <class Isa> struct q4_z_unpack {
    static typename Isa::quants quants(const char *blk) { return Isa::nibbles(blk + 3); }
};
template <class Isa> using q4_z_codec = zero_point_codec<Isa, 19, q4_z_unpack<Isa>>;

} // namespace
