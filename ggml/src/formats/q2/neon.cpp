// NEON kernels of Q2_Z and Q2_Z128 in row groups (arm/common.h): the levels
// (0..3) of each payload, then zero-point codecs as Q4_Z's and Q4_Z128's.
#include "formats/arm/common.h"
#include "formats/kernels.h"

namespace {

// A sub-block's payload in a group block (64 bytes at p: qs bytes 0..3 of
// the 8 rows, then qs bytes 4..7): chunk C (elements 4C..4C+3) is crumb
// C / 2 of qs bytes 4 (C % 2) + 0..3 (q2/blocks.h).
struct q2_z_payload {
    static constexpr size_t PAYLOAD = 8;
    static void decode(const char *x, chunks8 *w) {
        const uint8_t *p = (const uint8_t *)x;
        for (int h = 0; h < 2; h++) {
            const uint8x16_t u0 = vld1q_u8(p + 16 * h), u1 = vld1q_u8(p + 32 + 16 * h);
            const uint8x16_t mask = vdupq_n_u8(3);
            w->q[0][h] = vreinterpretq_s8_u8(vandq_u8(u0, mask));
            w->q[1][h] = vreinterpretq_s8_u8(vandq_u8(u1, mask));
            w->q[2][h] = vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(u0, 2), mask));
            w->q[3][h] = vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(u1, 2), mask));
            w->q[4][h] = vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(u0, 4), mask));
            w->q[5][h] = vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(u1, 4), mask));
            w->q[6][h] = vreinterpretq_s8_u8(vshrq_n_u8(u0, 6));
            w->q[7][h] = vreinterpretq_s8_u8(vshrq_n_u8(u1, 6));
        }
    }
};
using q2_z_codec = zero_point_codec<q2_z_payload, 1>;
using q2_z128_codec = zero_point_codec<q2_z_payload, 4>;

} // namespace

namespace ggml {

const format_kernels GGML_NEON_TABLE(q2_z){nullptr, nullptr, gemm<q2_z_codec>};
const format_kernels GGML_NEON_TABLE(q2_z128){nullptr, nullptr, gemm<q2_z128_codec>};

} // namespace ggml
