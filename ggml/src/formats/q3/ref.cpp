// Scalar reference of Q3_Z: the specification its SIMD kernels are tested
// against. Quantized as Q4_Z is (formats/zero_point_fit.h), with levels 0..7.
#include "q3/blocks.h"

#include "formats/dot_sum.h"
#include "formats/quant_math.h"
#include "formats/zero_point_fit.h"
#include "fp16.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ggml {

namespace {

inline int q3_get(const block_q3_z &b, int j) {
    const int lo = (b.ql[j % 8] >> (2 * (j / 8))) & 3;
    const int hi = (b.qh[j / 8] >> (j % 8)) & 1;
    return lo | (hi << 2);
}

inline block_q3_z load(const block_q3_z *x) {
    block_q3_z b;
    std::memcpy(&b, x, sizeof b);
    return b;
}

} // namespace

void quantize_row_q3_z_ref(const float *x, void *y, int64_t n) {
    quantize_row_q3_z_weighted(x, y, n, nullptr);
}

void quantize_row_q3_z_weighted(const float *x, void *vy, int64_t n, const float *w) {
    auto *y = static_cast<block_q3_z *>(vy);
    for (int64_t b = 0; b < n / QK3; b++) {
        block_q3_z blk{};
        uint8_t q[QK3];
        const zero_point_grid g = fit_zero_point(x + b * QK3, w ? w + b * QK3 : nullptr, QK3, 7, q);
        blk.d = g.d;
        blk.z = uint8_t(g.z);
        for (int j = 0; j < QK3; j++) {
            blk.ql[j % 8] |= uint8_t((q[j] & 3) << (2 * (j / 8)));
            blk.qh[j / 8] |= uint8_t((q[j] >> 2) << (j % 8));
        }
        std::memcpy(&y[b], &blk, sizeof blk);
    }
}

void set_level_q3_z(void *x, int64_t j, int q) {
    block_q3_z &b = static_cast<block_q3_z *>(x)[j / QK3];
    const int i = int(j % QK3);
    put_bits(&b.ql[i % 8], 2 * (i / 8), 2, q);
    put_bits(&b.qh[i / 8], i % 8, 1, q >> 2);
}

void level_line_q3_z(const void *vx, int64_t n, float *a, float *b) {
    const auto *x = static_cast<const block_q3_z *>(vx);
    for (int64_t j = 0; j < n; j++) {
        const block_q3_z blk = load(&x[j / QK3]);
        a[j] = fp16_to_fp32(blk.d);
        b[j] = -float(blk.z) * a[j];
    }
}

void dequantize_row_q3_z(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const block_q3_z *>(vx);
    for (int64_t b = 0; b < n / QK3; b++) {
        const block_q3_z blk = load(&x[b]);
        const float d = fp16_to_fp32(blk.d);
        for (int j = 0; j < QK3; j++) y[b * QK3 + j] = float(q3_get(blk, j) - blk.z) * d;
    }
}

void vec_dot_q3_z_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const block_q3_z *>(vx);
    const auto *y = static_cast<const block_q8_0 *>(vy);
    dot_sum sum;
    for (int64_t b = 0; b < n / QK3; b++) {
        const block_q3_z blk = load(&x[b]);
        int sumi = 0;
        for (int j = 0; j < QK3; j++) sumi += (q3_get(blk, j) - blk.z) * y[b].qs[j];
        sum.fma(float(sumi), fp16_to_fp32(blk.d) * fp16_to_fp32(y[b].d));
    }
    *s = sum.total();
}

} // namespace ggml
