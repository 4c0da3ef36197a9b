// NEON kernels of Q3_Z: the two bit planes rebuilt as bytes q (0..7), minus
// the zero point, then one signed dot product per block.
#include "formats/arm/common.h"
#include "formats/kernels.h"

namespace {

inline signed_quants unpack_q3(const char *blk) {
    // ql[i] bits 2k..2k+1 = low bits of element 8k + i
    const uint8x8_t ql = vld1_u8((const uint8_t *)blk + 3);
    const uint8x8_t three = vdup_n_u8(3);
    const uint8x16_t lo = vcombine_u8(vand_u8(ql, three), vand_u8(vshr_n_u8(ql, 2), three));
    const uint8x16_t hi = vcombine_u8(vand_u8(vshr_n_u8(ql, 4), three), vshr_n_u8(ql, 6));
    // qh[j / 8] bit j % 8 = high bit of element j, worth 4
    const uint8_t *qh = (const uint8_t *)blk + 11;
    const uint8x16_t bit = vreinterpretq_u8_u64(vdupq_n_u64(0x8040201008040201ull));
    const uint8x16_t four = vdupq_n_u8(4);
    const uint8x16_t h0 = vtstq_u8(vcombine_u8(vdup_n_u8(qh[0]), vdup_n_u8(qh[1])), bit);
    const uint8x16_t h1 = vtstq_u8(vcombine_u8(vdup_n_u8(qh[2]), vdup_n_u8(qh[3])), bit);
    const int8x16_t z = vdupq_n_s8(int8_t(blk[2]));
    return {vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(lo, vandq_u8(h0, four))), z),
            vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(hi, vandq_u8(h1, four))), z)};
}

using q3_z_codec = scaled_codec<15, unpack_q3>;

} // namespace

namespace ggml {

const format_kernels GGML_NEON_TABLE(q3_z){nullptr, vec_dot<q3_z_codec>, gemm<q3_z_codec>};

} // namespace ggml
