// Scalar reference of Q2_Z and Q2_Z128: the specification their SIMD
// kernels are tested against (formats/zero_point_blocks.h), with levels
// 0..3, four to a byte.
#include "q2/blocks.h"

#include "formats/quant_math.h"
#include "formats/zero_point_blocks.h"

namespace ggml {

namespace {

struct q2_levels {
    static constexpr int MAXQ = 3;
    static int get(const q2_payload &p, int j) { return (p.qs[j % 8] >> (2 * (j / 8))) & 3; }
    static void set(q2_payload &p, int j, int q) { put_bits(&p.qs[j % 8], 2 * (j / 8), 2, q); }
};

using q2_z = zero_point_blocks<block_q2_z, q2_levels>;
using q2_z128 = zero_point_blocks<block_q2_z128, q2_levels>;

} // namespace

void quantize_row_q2_z_ref(const float *x, void *y, int64_t n) { q2_z::quantize(x, y, n, nullptr); }
void quantize_row_q2_z128_ref(const float *x, void *y, int64_t n) {
    q2_z128::quantize(x, y, n, nullptr);
}
void quantize_row_q2_z_weighted(const float *x, void *y, int64_t n, const float *w) {
    q2_z::quantize(x, y, n, w);
}
void quantize_row_q2_z128_weighted(const float *x, void *y, int64_t n, const float *w) {
    q2_z128::quantize(x, y, n, w);
}
void set_level_q2_z(void *x, int64_t j, int q) { q2_z::set_level(x, j, q); }
void set_level_q2_z128(void *x, int64_t j, int q) { q2_z128::set_level(x, j, q); }
void level_line_q2_z(const void *x, int64_t n, float *a, float *b) { q2_z::level_line(x, n, a, b); }
void level_line_q2_z128(const void *x, int64_t n, float *a, float *b) {
    q2_z128::level_line(x, n, a, b);
}
void dequantize_row_q2_z(const void *x, float *y, int64_t n) { q2_z::dequantize(x, y, n); }
void dequantize_row_q2_z128(const void *x, float *y, int64_t n) { q2_z128::dequantize(x, y, n); }
void vec_dot_q2_z_q8_0_ref(int64_t n, float *s, const void *x, const void *y) {
    q2_z::vec_dot(n, s, x, y);
}
void vec_dot_q2_z128_q8_0_ref(int64_t n, float *s, const void *x, const void *y) {
    q2_z128::vec_dot(n, s, x, y);
}

} // namespace ggml
