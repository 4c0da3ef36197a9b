// Scalar reference of Q3_Z and Q3_Z128: the specification their SIMD
// kernels are tested against (formats/zero_point_blocks.h), with levels
// 0..7 in bit planes.
#include "q3/blocks.h"

#include "formats/quant_math.h"
#include "formats/zero_point_blocks.h"

namespace ggml {

namespace {

struct q3_levels {
    static constexpr int MAXQ = 7;
    static int get(const q3_planes &p, int j) {
        const int lo = (p.ql[j % 8] >> (2 * (j / 8))) & 3;
        const int hi = (p.qh[j / 8] >> (j % 8)) & 1;
        return lo | (hi << 2);
    }
    static void set(q3_planes &p, int j, int q) {
        put_bits(&p.ql[j % 8], 2 * (j / 8), 2, q);
        put_bits(&p.qh[j / 8], j % 8, 1, q >> 2);
    }
};

using q3_z = zero_point_blocks<block_q3_z, q3_levels>;
using q3_z128 = zero_point_blocks<block_q3_z128, q3_levels>;

} // namespace

void quantize_row_q3_z_ref(const float *x, void *y, int64_t n) { q3_z::quantize(x, y, n, nullptr); }
void quantize_row_q3_z128_ref(const float *x, void *y, int64_t n) {
    q3_z128::quantize(x, y, n, nullptr);
}
void quantize_row_q3_z_weighted(const float *x, void *y, int64_t n, const float *w) {
    q3_z::quantize(x, y, n, w);
}
void quantize_row_q3_z128_weighted(const float *x, void *y, int64_t n, const float *w) {
    q3_z128::quantize(x, y, n, w);
}
void set_level_q3_z(void *x, int64_t j, int q) { q3_z::set_level(x, j, q); }
void set_level_q3_z128(void *x, int64_t j, int q) { q3_z128::set_level(x, j, q); }
void level_line_q3_z(const void *x, int64_t n, float *a, float *b) { q3_z::level_line(x, n, a, b); }
void level_line_q3_z128(const void *x, int64_t n, float *a, float *b) {
    q3_z128::level_line(x, n, a, b);
}
void dequantize_row_q3_z(const void *x, float *y, int64_t n) { q3_z::dequantize(x, y, n); }
void dequantize_row_q3_z128(const void *x, float *y, int64_t n) { q3_z128::dequantize(x, y, n); }
void vec_dot_q3_z_q8_0_ref(int64_t n, float *s, const void *x, const void *y) {
    q3_z::vec_dot(n, s, x, y);
}
void vec_dot_q3_z128_q8_0_ref(int64_t n, float *s, const void *x, const void *y) {
    q3_z128::vec_dot(n, s, x, y);
}

} // namespace ggml
