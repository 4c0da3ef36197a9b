// The x86 codec of Q3_Z, over an instruction-set policy Isa (x86/avx2.h,
// x86/avx512.h, which rebuild q (0..7) from the bit planes, in an order of
// their choosing that the activations are put in too): a zero-point codec as
// Q4_Z's.
#pragma once

#include "formats/x86/tiles.h"

namespace {

template <class Isa> struct q3_z_unpack {
    static typename Isa::quants quants(const char *blk) { return Isa::q3(blk); }
    static void act_quants(const char *qs, int8_t *q) { Isa::q3_act_quants(qs, q); }
};
template <class Isa> using q3_z_codec = zero_point_codec<Isa, 15, q3_z_unpack<Isa>>;

} // namespace
