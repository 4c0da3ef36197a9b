// Scalar reference of Q3_Z and Q3_Z128: the specification their SIMD
// kernels are tested against. Quantized as Q4_Z is (formats/zero_point_fit.h),
// with levels 0..7; a block is one (d, z) and 1 or 4 payloads of 32 levels.
#include "q3/blocks.h"

#include "formats/dot_sum.h"
#include "formats/quant_math.h"
#include "formats/zero_point_fit.h"
#include "fp16.h"

#include <cstring>

namespace ggml {

namespace {

// Level j (< 32) of a payload.
inline int q3_get(const q3_planes &p, int j) {
    const int lo = (p.ql[j % 8] >> (2 * (j / 8))) & 3;
    const int hi = (p.qh[j / 8] >> (j % 8)) & 1;
    return lo | (hi << 2);
}

inline void q3_set(q3_planes &p, int j, int q) {
    put_bits(&p.ql[j % 8], 2 * (j / 8), 2, q);
    put_bits(&p.qh[j / 8], j % 8, 1, q >> 2);
}

// Elements per block of B.
template <class B> constexpr int block_size = int(sizeof(B::sub) / sizeof(q3_planes)) * QK3;

// A copy of a block (blocks are packed).
template <class B> inline B load(const B *x) {
    B b;
    std::memcpy(&b, x, sizeof b);
    return b;
}

// One fit over each block's weights.
template <class B> void quantize(const float *x, void *vy, int64_t n, const float *w) {
    constexpr int QK = block_size<B>;
    auto *y = static_cast<B *>(vy);
    for (int64_t b = 0; b < n / QK; b++) {
        B blk{};
        uint8_t q[QK];
        const zero_point_grid g = fit_zero_point(x + b * QK, w ? w + b * QK : nullptr, QK, 7, q);
        blk.d = g.d;
        blk.z = uint8_t(g.z);
        for (int j = 0; j < QK; j++) q3_set(blk.sub[j / QK3], j % QK3, q[j]);
        std::memcpy(&y[b], &blk, sizeof blk);
    }
}

template <class B> void set_level(void *x, int64_t j, int q) {
    constexpr int QK = block_size<B>;
    B &b = static_cast<B *>(x)[j / QK];
    const int i = int(j % QK);
    q3_set(b.sub[i / QK3], i % QK3, q);
}

template <class B> void level_line(const void *vx, int64_t n, float *a, float *b) {
    constexpr int QK = block_size<B>;
    const auto *x = static_cast<const B *>(vx);
    for (int64_t j = 0; j < n; j++) {
        const B blk = load(&x[j / QK]);
        a[j] = fp16_to_fp32(blk.d);
        b[j] = -float(blk.z) * a[j];
    }
}

template <class B> void dequantize(const void *vx, float *y, int64_t n) {
    constexpr int QK = block_size<B>;
    const auto *x = static_cast<const B *>(vx);
    for (int64_t b = 0; b < n / QK; b++) {
        const B blk = load(&x[b]);
        const float d = fp16_to_fp32(blk.d);
        for (int j = 0; j < QK; j++)
            y[b * QK + j] = float(q3_get(blk.sub[j / QK3], j % QK3) - blk.z) * d;
    }
}

// Each payload against its own Q8_0 block: the exact integer sum of its
// levels less z times the activation's, then one fused multiply-add.
template <class B> void vec_dot(int64_t n, float *s, const void *vx, const void *vy) {
    constexpr int QK = block_size<B>;
    const auto *x = static_cast<const B *>(vx);
    const auto *y = static_cast<const block_q8_0 *>(vy);
    dot_sum sum;
    for (int64_t b = 0; b < n / QK; b++) {
        const B blk = load(&x[b]);
        for (int sb = 0; sb < QK / QK3; sb++) {
            const block_q8_0 &yb = y[b * (QK / QK3) + sb];
            int sumi = 0;
            for (int j = 0; j < QK3; j++) sumi += (q3_get(blk.sub[sb], j) - blk.z) * yb.qs[j];
            sum.fma(float(sumi), fp16_to_fp32(blk.d) * fp16_to_fp32(yb.d));
        }
    }
    *s = sum.total();
}

} // namespace

void quantize_row_q3_z_ref(const float *x, void *y, int64_t n) {
    quantize<block_q3_z>(x, y, n, nullptr);
}
void quantize_row_q3_z128_ref(const float *x, void *y, int64_t n) {
    quantize<block_q3_z128>(x, y, n, nullptr);
}
void quantize_row_q3_z_weighted(const float *x, void *y, int64_t n, const float *w) {
    quantize<block_q3_z>(x, y, n, w);
}
void quantize_row_q3_z128_weighted(const float *x, void *y, int64_t n, const float *w) {
    quantize<block_q3_z128>(x, y, n, w);
}
void set_level_q3_z(void *x, int64_t j, int q) { set_level<block_q3_z>(x, j, q); }
void set_level_q3_z128(void *x, int64_t j, int q) { set_level<block_q3_z128>(x, j, q); }
void level_line_q3_z(const void *x, int64_t n, float *a, float *b) {
    level_line<block_q3_z>(x, n, a, b);
}
void level_line_q3_z128(const void *x, int64_t n, float *a, float *b) {
    level_line<block_q3_z128>(x, n, a, b);
}
void dequantize_row_q3_z(const void *x, float *y, int64_t n) { dequantize<block_q3_z>(x, y, n); }
void dequantize_row_q3_z128(const void *x, float *y, int64_t n) {
    dequantize<block_q3_z128>(x, y, n);
}
void vec_dot_q3_z_q8_0_ref(int64_t n, float *s, const void *x, const void *y) {
    vec_dot<block_q3_z>(n, s, x, y);
}
void vec_dot_q3_z128_q8_0_ref(int64_t n, float *s, const void *x, const void *y) {
    vec_dot<block_q3_z128>(n, s, x, y);
}

} // namespace ggml
