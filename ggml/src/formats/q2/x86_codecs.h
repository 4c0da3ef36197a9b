// The x86 codecs of Q2_Z and Q2_Z128 in row groups (x86/groups.h), over a
// vector width W: the levels (0..3) of each payload, then zero-point codecs
// as Q4_Z's and Q4_Z128's.
#pragma once

#include "q4/x86_codecs.h"

namespace {

// A sub-block's payload in a group block is 64 bytes at p: qs bytes 0..3
// of the 8 rows, then qs bytes 4..7. Element j sits in qs[j % 8] at bit
// 2 (j / 8), so chunk C (elements 4C..4C+3) is crumb C / 2 of qs bytes
// 4 (C % 2) + 0..3.
template <class W> struct q2_z_chunks {
    static constexpr size_t PAYLOAD = 8;
    static void quants(const char *p, size_t bx, typename W::iv q[8]) {
        const typename W::iv mask = W::set1_8(3);
        const typename W::iv u0 = W::load(p, bx, 0), u1 = W::load(p, bx, 32);
        q[0] = W::and_(u0, mask);
        q[1] = W::and_(u1, mask);
        q[2] = W::and_(W::template srli16<2>(u0), mask);
        q[3] = W::and_(W::template srli16<2>(u1), mask);
        q[4] = W::and_(W::template srli16<4>(u0), mask);
        q[5] = W::and_(W::template srli16<4>(u1), mask);
        q[6] = W::and_(W::template srli16<6>(u0), mask);
        q[7] = W::and_(W::template srli16<6>(u1), mask);
    }
};
template <class W> using q2_z_codec = zero_point_codec<W, q2_z_chunks, 1>;
template <class W> using q2_z128_codec = zero_point_codec<W, q2_z_chunks, 4>;

} // namespace
