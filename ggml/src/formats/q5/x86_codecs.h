// The x86 codecs of the 5-bit blocks in row groups (x86/groups.h), over a
// vector width W (x86/widths.h): Q4_0's and Q4_1's nibbles with the fifth
// bit (worth 16) added from qh, whose copies for the group's rows lie side
// by side in the group block's header.
#pragma once

#include "q4/x86_codecs.h"

namespace {

// The 8 chunks of 5-bit quants: nibbles at p, the rows' qh at h (and p +
// bx, h + bx for a second group).
template <class W>
inline void q5_chunks(const char *p, const char *h, size_t bx, typename W::iv q[8]) {
    nibble_chunks<W>(p, bx, q);
    const typename W::iv qh = W::load(h, bx, 0);
    q[0] = add_plane_bit<W, 0>(q[0], qh, 16);
    q[1] = add_plane_bit<W, 1>(q[1], qh, 16);
    q[2] = add_plane_bit<W, 2>(q[2], qh, 16);
    q[3] = add_plane_bit<W, 3>(q[3], qh, 16);
    q[4] = add_plane_bit<W, 4>(q[4], qh, 16);
    q[5] = add_plane_bit<W, 5>(q[5], qh, 16);
    q[6] = add_plane_bit<W, 6>(q[6], qh, 16);
    q[7] = add_plane_bit<W, 7>(q[7], qh, 16);
}

// Q5_0: value = d * (q - 16); group block: the rows' d, qh, the nibbles
template <class W> struct q5_0_quants {
    static constexpr size_t x_size = 22;
    static constexpr int offset = 16;
    static void quants(const char *x, size_t bx, typename W::iv q[8]) {
        q5_chunks<W>(x + 48, x + 16, bx, q);
    }
    static typename W::iv dot(const typename W::iv q[8], const char *qs) {
        return dot_5bit<W>(q, qs);
    }
};
template <class W> using q5_0_codec = offset_codec<W, q5_0_quants>;

// Q5_1: value = d * q + m; group block: the rows' d, m, qh, the nibbles
template <class W> struct q5_1_quants {
    static constexpr size_t x_size = 24;
    static void quants(const char *x, size_t bx, typename W::iv q[8]) {
        q5_chunks<W>(x + 64, x + 32, bx, q);
    }
    static typename W::iv dot(const typename W::iv q[8], const char *qs) {
        return dot_5bit<W>(q, qs);
    }
};
template <class W> using q5_1_codec = min_codec<W, q5_1_quants>;

} // namespace
