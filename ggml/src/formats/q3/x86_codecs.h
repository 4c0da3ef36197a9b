// The x86 codec of Q3_Z in row groups (x86/groups.h): the quants (0..7)
// rebuilt from the bit planes, then a zero-point codec as Q4_Z's.
#pragma once

#include "q4/x86_codecs.h"

namespace {

// Chunk C (elements 4C..4C+3) of a group block's payload (96 bytes at p: ql
// bytes 0..3 of the 8 rows, ql bytes 4..7, then qh bytes 0..3). Element j
// has its low bits in ql[j % 8] at bit 2 (j / 8) and its high bit in
// qh[j / 8] at bit j % 8, so chunk C's low bits are crumb C / 2 of ql bytes
// 4 (C % 2) + 0..3, and its high bits (worth 4) those of qh's plane.
template <int C> inline __m256i q3_chunk(const char *p, __m256i h) {
    const __m256i u = _mm256_loadu_si256((const __m256i *)(p + 32 * (C % 2)));
    const __m256i lo = _mm256_and_si256(_mm256_srli_epi16(u, 2 * (C / 2)), _mm256_set1_epi8(3));
    return add_plane_bit<C>(lo, h, 4);
}

struct q3_z_chunks {
    static constexpr size_t x_size = 15;
    static void quants(const char *p, __m256i q[8]) {
        const __m256i h = _mm256_loadu_si256((const __m256i *)(p + 64));
        q[0] = q3_chunk<0>(p, h);
        q[1] = q3_chunk<1>(p, h);
        q[2] = q3_chunk<2>(p, h);
        q[3] = q3_chunk<3>(p, h);
        q[4] = q3_chunk<4>(p, h);
        q[5] = q3_chunk<5>(p, h);
        q[6] = q3_chunk<6>(p, h);
        q[7] = q3_chunk<7>(p, h);
    }
};
using q3_z_codec = zero_point_codec<q3_z_chunks>;

} // namespace
