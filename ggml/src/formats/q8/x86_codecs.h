// The x86 codec of Q8_0 weights against Q8_0 activations, over an
// instruction-set policy Isa (x86/avx2.h, x86/avx512.h).
#pragma once

#include "formats/x86/tiles.h"

namespace {

template <class Isa>
struct q8_0_codec : x86_codec<q8_0_codec<Isa>, Isa> {
    static constexpr size_t x_size = 34, y_size = 34, y_qs = 2;
    struct weights {
        typename Isa::quants q[4]; // |x|
        __m128 d;
    };
    static act_meta act(const char *yb) { return {fp16_to_f32(load_u16(yb)), 0.0f}; }
    static weights decode(const char *const blk[4]) {
        weights w;
        for (int r = 0; r < 4; r++) w.q[r] = Isa::abs_q8(blk[r] + 2);
        w.d = gather_d(blk);
        return w;
    }
    static __m128i dot(const weights &w, const char *const blk[4], const char *yq) {
        const char *qs[4];
        for (int r = 0; r < 4; r++) qs[r] = blk[r] + 2;
        return Isa::dot_q8(w.q, qs, yq);
    }
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return scaled(_mm_cvtepi32_ps(dot), w.d, a.d);
    }
};

} // namespace
