// The x86 codec of Q3_Z, over an instruction-set policy Isa (x86/avx2.h,
// x86/avx512.h, which rebuild q (0..7) from the bit planes in element
// order): a zero-point codec as Q4_Z's.
#pragma once

#include "formats/x86/tiles.h"

namespace {

template <class Isa> struct q3_z_unpack {
    static typename Isa::quants quants(const char *blk) { return Isa::q3(blk); }
};
template <class Isa> using q3_z_codec = zero_point_codec<Isa, 15, q3_z_unpack<Isa>>;

} // namespace
