// NEON kernels of the 5-bit blocks in row groups (arm/common.h): Q4_0's and
// Q4_1's nibbles with the fifth bit (worth 16) added from qh, whose 8 rows'
// copies lie side by side in the group block's header; quants 0..31 are
// non-negative signed bytes, so the codecs are Q4_0's and Q4_1's.
#include "formats/arm/common.h"
#include "formats/kernels.h"

namespace {

template <int C> inline void fifth_bits(const uint8_t *qh, chunks8 *w) {
    for (int h = 0; h < 2; h++)
        w->q[C][h] = add_plane_bit<C>(vreinterpretq_u8_s8(w->q[C][h]), vld1q_u8(qh + 16 * h), 16);
}

// The quants of a group block: nibbles at p, the 8 rows' qh at qh.
inline void q5_chunks(const char *p, const char *qh, chunks8 *w) {
    nibble_chunks(p, w);
    const auto *h = (const uint8_t *)qh;
    fifth_bits<0>(h, w);
    fifth_bits<1>(h, w);
    fifth_bits<2>(h, w);
    fifth_bits<3>(h, w);
    fifth_bits<4>(h, w);
    fifth_bits<5>(h, w);
    fifth_bits<6>(h, w);
    fifth_bits<7>(h, w);
}

// value = d * (q - 16); group block: 8 d, 8 qh, the nibbles
struct q5_0_quants {
    static constexpr size_t x_size = 22;
    static void offsets(const char *, float32x4_t o[2]) { o[0] = o[1] = vdupq_n_f32(16.0f); }
    static void decode(const char *x, chunks8 *w) { q5_chunks(x + 48, x + 16, w); }
};
using q5_0_codec = offset_codec<q5_0_quants>;

// value = d * q + m; group block: 8 d, 8 m, 8 qh, the nibbles
struct q5_1_quants {
    static constexpr size_t x_size = 24;
    static void decode(const char *x, chunks8 *w) { q5_chunks(x + 64, x + 32, w); }
};
using q5_1_codec = min_codec<q5_1_quants>;

} // namespace

namespace ggml {

const format_kernels GGML_NEON_TABLE(q5_0){nullptr, nullptr, gemm<q5_0_codec>};
const format_kernels GGML_NEON_TABLE(q5_1){nullptr, nullptr, gemm<q5_1_codec>};

} // namespace ggml
