// The x86 codecs of the 5-bit blocks in row groups (x86/groups.h): Q4_0's
// and Q4_1's nibbles with the fifth bit (worth 16) added from qh, whose 8
// rows' copies lie side by side in the group block's header.
#pragma once

#include "q4/x86_codecs.h"

namespace {

// The 8 chunks of a group block's 5-bit quants: nibbles from the payload at
// p, fifth bits from the 8 rows' qh at h.
inline void q5_chunks(const char *p, const char *h, __m256i q[8]) {
    nibble_chunks(p, q);
    const __m256i qh = _mm256_loadu_si256((const __m256i *)h);
    q[0] = add_plane_bit<0>(q[0], qh, 16);
    q[1] = add_plane_bit<1>(q[1], qh, 16);
    q[2] = add_plane_bit<2>(q[2], qh, 16);
    q[3] = add_plane_bit<3>(q[3], qh, 16);
    q[4] = add_plane_bit<4>(q[4], qh, 16);
    q[5] = add_plane_bit<5>(q[5], qh, 16);
    q[6] = add_plane_bit<6>(q[6], qh, 16);
    q[7] = add_plane_bit<7>(q[7], qh, 16);
}

// Q5_0: value = d * (q - 16); group block: 8 d, 8 qh, the nibbles
struct q5_0_quants {
    static constexpr size_t x_size = 22;
    static constexpr int offset = 16;
    static void quants(const char *x, __m256i q[8]) { q5_chunks(x + 48, x + 16, q); }
    static __m256i dot(const __m256i q[8], const char *qs) { return dot_5bit(q, qs); }
};
using q5_0_codec = offset_codec<q5_0_quants>;

// Q5_1: value = d * q + m; group block: 8 d, 8 m, 8 qh, the nibbles
struct q5_1_quants {
    static constexpr size_t x_size = 24;
    static void quants(const char *x, __m256i q[8]) { q5_chunks(x + 64, x + 32, q); }
    static __m256i dot(const __m256i q[8], const char *qs) { return dot_5bit(q, qs); }
};
using q5_1_codec = min_codec<q5_1_quants>;

} // namespace
