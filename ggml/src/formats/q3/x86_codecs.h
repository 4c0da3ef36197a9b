// The x86 codecs of Q3_Z and Q3_Z128 in row groups (x86/groups.h), over a vector width
// W: the quants (0..7) rebuilt from the bit planes of each payload, then
// zero-point codecs as Q4_Z's and Q4_Z128's.
#pragma once

#include "q4/x86_codecs.h"

namespace {

// Chunk C (elements 4C..4C+3) of a sub-block's payload in a group block (96 bytes at p: ql
// bytes 0..3 of the 8 rows, ql bytes 4..7, then qh bytes 0..3). Element j
// has its low bits in ql[j % 8] at bit 2 (j / 8) and its high bit in
// qh[j / 8] at bit j % 8, so chunk C's low bits are crumb C / 2 of ql bytes
// 4 (C % 2) + 0..3, and its high bits (worth 4) those of qh's bit plane.
template <class W, int C>
inline typename W::iv q3_chunk(const char *p, size_t bx, typename W::iv h) {
    const typename W::iv u = W::load(p, bx, 32 * (C % 2));
    const typename W::iv lo = W::and_(W::template srli16<2 * (C / 2)>(u), W::set1_8(3));
    return add_plane_bit<W, C>(lo, h, 4);
}

template <class W> struct q3_z_chunks {
    static constexpr size_t PAYLOAD = 12;
    static void quants(const char *p, size_t bx, typename W::iv q[8]) {
        const typename W::iv h = W::load(p, bx, 64);
        q[0] = q3_chunk<W, 0>(p, bx, h);
        q[1] = q3_chunk<W, 1>(p, bx, h);
        q[2] = q3_chunk<W, 2>(p, bx, h);
        q[3] = q3_chunk<W, 3>(p, bx, h);
        q[4] = q3_chunk<W, 4>(p, bx, h);
        q[5] = q3_chunk<W, 5>(p, bx, h);
        q[6] = q3_chunk<W, 6>(p, bx, h);
        q[7] = q3_chunk<W, 7>(p, bx, h);
    }
};
template <class W> using q3_z_codec = zero_point_codec<W, q3_z_chunks, 1>;
template <class W> using q3_z128_codec = zero_point_codec<W, q3_z_chunks, 4>;

} // namespace
