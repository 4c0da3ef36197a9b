// The x86 codec of Q8_0 weights against Q8_0 activations, over an
// instruction-set policy Isa (x86/avx2.h, x86/avx512.h).
#pragma once

#include "formats/x86/tiles.h"

namespace {

template <class Isa> struct q8_0_codec : x86_codec<q8_0_codec<Isa>, Isa> {
    static constexpr size_t x_size = 34, y_size = 34;
    struct weights {
        typename Isa::quants q[4]; // |x|
        const char *qs;            // the first block's quants, for their signs
        __m128 d;
    };
    static act_meta act(const char *yb, int8_t *q) {
        copy_quants(yb + 2, q);
        return {fp16_to_f32(load_u16(yb)), 0.0f};
    }
    static weights decode(const char *x) {
        weights w;
        for (int k = 0; k < 4; k++) w.q[k] = Isa::abs_q8(x + k * x_size + 2);
        w.qs = x + 2;
        w.d = gather_d<x_size>(x);
        return w;
    }
    static __m128i dot(const weights &w, const int8_t *y) {
        return Isa::template dot4_q8<x_size>(w.q, w.qs, y);
    }
    static __m128 term(__m128 acc, __m128 dot, const weights &w, const float *dy, const float *) {
        return add_scaled(acc, dot, w.d, dy);
    }
};

} // namespace
