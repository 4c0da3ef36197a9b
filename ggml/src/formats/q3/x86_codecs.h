// The x86 codec of Q3_Z, over an instruction-set policy Isa (x86/avx2.h,
// x86/avx512.h): q (0..7) rebuilt from the bit planes, then as Q4_Z:
// sum((q - z) y) = sum(q y) - z sum(y).
#pragma once

#include "formats/x86/tiles.h"

namespace {

template <class Isa>
struct q3_z_codec : x86_codec<q3_z_codec<Isa>, Isa> {
    static constexpr size_t x_size = 15, y_size = 34, y_qs = 2;
    struct weights {
        typename Isa::quants q[4];
        __m128 d, z;
    };
    static act_meta act(const char *yb) { return q8_0_act_with_sum(yb); }
    static weights decode(const char *const blk[4]) {
        weights w;
        for (int r = 0; r < 4; r++) w.q[r] = Isa::q3(blk[r]);
        gather_d_z(blk, &w.d, &w.z);
        return w;
    }
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return zero_point_term(dot, w.d, w.z, a);
    }
};

} // namespace
