// NEON kernels of Q3_Z and Q3_Z128 in row groups (arm/common.h): the quants
// (0..7) rebuilt from the bit planes of each payload, then zero-point codecs
// as Q4_Z's and Q4_Z128's.
#include "formats/arm/common.h"
#include "formats/kernels.h"

namespace {

// Chunk C (elements 4C..4C+3) of a sub-block's payload in a group block (96 bytes at p: ql
// bytes 0..3 of the 8 rows, ql bytes 4..7, qh bytes 0..3), one half of 4
// rows: the low bits are crumb C / 2 of ql bytes 4 (C % 2) + 0..3, the high
// bits bits 4 (C % 2) + 0..3 of qh[C / 2] (q3/blocks.h).
template <int C> inline int8x16_t q3_chunk(const uint8_t *p, int h) {
    const uint8x16_t u = vld1q_u8(p + 32 * (C % 2) + 16 * h);
    const uint8x16_t lo = vandq_u8(vshrq_n_u8(u, 2 * (C / 2)), vdupq_n_u8(3));
    return add_plane_bit<C>(lo, vld1q_u8(p + 64 + 16 * h), 4);
}

template <int C> inline void q3_chunk_pair(const uint8_t *p, chunks8 *w) {
    w->q[C][0] = q3_chunk<C>(p, 0);
    w->q[C][1] = q3_chunk<C>(p, 1);
}

struct q3_z_payload {
    static constexpr size_t PAYLOAD = 12;
    static void decode(const char *x, chunks8 *w) {
        const uint8_t *p = (const uint8_t *)x;
        q3_chunk_pair<0>(p, w);
        q3_chunk_pair<1>(p, w);
        q3_chunk_pair<2>(p, w);
        q3_chunk_pair<3>(p, w);
        q3_chunk_pair<4>(p, w);
        q3_chunk_pair<5>(p, w);
        q3_chunk_pair<6>(p, w);
        q3_chunk_pair<7>(p, w);
    }
};
using q3_z_codec = zero_point_codec<q3_z_payload, 1>;
using q3_z128_codec = zero_point_codec<q3_z_payload, 4>;

} // namespace

namespace ggml {

const format_kernels GGML_NEON_TABLE(q3_z){nullptr, nullptr, gemm<q3_z_codec>};
const format_kernels GGML_NEON_TABLE(q3_z128){nullptr, nullptr, gemm<q3_z128_codec>};

} // namespace ggml
