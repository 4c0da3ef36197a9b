// Scalar reference of the 4-bit blocks: the specification the SIMD kernels
// are tested against. Q4_0 and Q4_1 round exactly as ggml's reference
// quantizer does (so our files match its bytes); Q4_Z follows docs/formats.md.
#include "q4/blocks.h"

#include "formats/dot_sum.h"
#include "formats/quant_math.h"
#include "formats/zero_point_fit.h"
#include "fp16.h"
#include "k/scale_search.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

namespace ggml {

namespace {

// Element j of a block from its 16 nibble bytes.
inline int nibble(const uint8_t *qs, int j) {
    return j < QK4 / 2 ? qs[j] & 0x0f : qs[j - QK4 / 2] >> 4;
}

inline void pack_nibbles(const uint8_t q[QK4], uint8_t *qs) {
    for (int i = 0; i < QK4 / 2; i++) qs[i] = uint8_t(q[i] | (q[i + QK4 / 2] << 4));
}

} // namespace

void quantize_row_q4_0_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<block_q4_0 *>(vy);
    for (int64_t b = 0; b < n / QK4; b++, x += QK4) {
        // the element of largest magnitude, with its sign, maps to -8
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < QK4; j++) {
            if (amax < std::fabs(x[j])) {
                amax = std::fabs(x[j]);
                max = x[j];
            }
        }
        const float d = max / -8.0f;
        const float id = inverse_scale(d);
        y[b].d = fp32_to_fp16(d);
        uint8_t q[QK4];
        for (int j = 0; j < QK4; j++) q[j] = uint8_t(trunc_clamped(x[j] * id + 8.5f, 0, 15));
        pack_nibbles(q, y[b].qs);
    }
}

// With an importance: the K-quants' symmetric search (k/scale_search.h)
// weighted by it, then every weight rounded with d as stored.
void quantize_row_q4_0_weighted(const float *x, void *vy, int64_t n, const float *w) {
    if (!w) return quantize_row_q4_0_ref(x, vy, n);
    auto *y = static_cast<block_q4_0 *>(vy);
    for (int64_t b = 0; b < n / QK4; b++, x += QK4, w += QK4) {
        int8_t levels[QK4];
        y[b].d = fp32_to_fp16(symmetric_scale_search(QK4, 8, x, levels, w));
        const float id = inverse_scale(fp16_to_fp32(y[b].d));
        uint8_t q[QK4];
        for (int j = 0; j < QK4; j++) q[j] = uint8_t(round_clamped(x[j] * id, -8, 7) + 8);
        pack_nibbles(q, y[b].qs);
    }
}

void quantize_row_q4_1_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<block_q4_1 *>(vy);
    for (int64_t b = 0; b < n / QK4; b++, x += QK4) {
        float min = FLT_MAX, max = -FLT_MAX;
        for (int j = 0; j < QK4; j++) {
            min = std::min(min, x[j]);
            max = std::max(max, x[j]);
        }
        const float d = (max - min) / 15.0f;
        const float id = inverse_scale(d);
        y[b].d = fp32_to_fp16(d);
        y[b].m = fp32_to_fp16(min);
        uint8_t q[QK4];
        for (int j = 0; j < QK4; j++)
            q[j] = uint8_t(trunc_clamped((x[j] - min) * id + 0.5f, 0, 15));
        pack_nibbles(q, y[b].qs);
    }
}

namespace {

// Element j's nibble in the qs of its block.
template <class B> void set_nibble(void *x, int64_t j, int q) {
    B &b = static_cast<B *>(x)[j / QK4];
    const int i = int(j % QK4);
    put_bits(&b.qs[i % (QK4 / 2)], i < QK4 / 2 ? 0 : 4, 4, q);
}

} // namespace

void set_level_q4_0(void *x, int64_t j, int q) { set_nibble<block_q4_0>(x, j, q); }
void set_level_q4_1(void *x, int64_t j, int q) { set_nibble<block_q4_1>(x, j, q); }

void level_line_q4_0(const void *vx, int64_t n, float *a, float *b) {
    const auto *x = static_cast<const block_q4_0 *>(vx);
    for (int64_t j = 0; j < n; j++) {
        a[j] = fp16_to_fp32(x[j / QK4].d);
        b[j] = -8.0f * a[j];
    }
}
void level_line_q4_1(const void *vx, int64_t n, float *a, float *b) {
    const auto *x = static_cast<const block_q4_1 *>(vx);
    for (int64_t j = 0; j < n; j++) {
        a[j] = fp16_to_fp32(x[j / QK4].d);
        b[j] = fp16_to_fp32(x[j / QK4].m);
    }
}

void dequantize_row_q4_0(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const block_q4_0 *>(vx);
    for (int64_t b = 0; b < n / QK4; b++) {
        const float d = fp16_to_fp32(x[b].d);
        for (int j = 0; j < QK4; j++) y[b * QK4 + j] = float(nibble(x[b].qs, j) - 8) * d;
    }
}

void dequantize_row_q4_1(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const block_q4_1 *>(vx);
    for (int64_t b = 0; b < n / QK4; b++) {
        const float d = fp16_to_fp32(x[b].d);
        const float m = fp16_to_fp32(x[b].m);
        for (int j = 0; j < QK4; j++) y[b * QK4 + j] = float(nibble(x[b].qs, j)) * d + m;
    }
}

void vec_dot_q4_0_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const block_q4_0 *>(vx);
    const auto *y = static_cast<const block_q8_0 *>(vy);
    dot_sum sum;
    for (int64_t b = 0; b < n / QK4; b++) {
        int sumi = 0;
        for (int j = 0; j < QK4; j++) sumi += (nibble(x[b].qs, j) - 8) * y[b].qs[j];
        sum.fma(float(sumi), fp16_to_fp32(x[b].d) * fp16_to_fp32(y[b].d));
    }
    *s = sum.total();
}

void vec_dot_q4_1_q8_1_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const block_q4_1 *>(vx);
    const auto *y = static_cast<const block_q8_1 *>(vy);
    dot_sum sum;
    for (int64_t b = 0; b < n / QK4; b++) {
        int sumi = 0;
        for (int j = 0; j < QK4; j++) sumi += nibble(x[b].qs, j) * y[b].qs[j];
        // sum_j (d q_j + m) dy y_j = m (dy sum_j y_j) + d dy sumi
        sum.fma(fp16_to_fp32(x[b].m), fp16_to_fp32(y[b].s));
        sum.fma(float(sumi), fp16_to_fp32(x[b].d) * fp16_to_fp32(y[b].d));
    }
    *s = sum.total();
}

// Q4_Z and Q4_Z128: one (d, z) per block and 1 or 4 payloads of 32 levels,
// each in Q4_0's nibble order.
namespace {

// Elements per block of B.
template <class B> constexpr int zero_point_block = int(sizeof(B::qs)) * 2;

// Element j (< the block's size) of a block's payloads.
inline int payload_nibble(const uint8_t *qs, int j) {
    return nibble(qs + QK4 / 2 * (j / QK4), j % QK4);
}

template <class B> inline B load(const B *x) {
    B b;
    std::memcpy(&b, x, sizeof b);
    return b;
}

// One fit over each block's weights.
template <class B> void quantize_z(const float *x, void *vy, int64_t n, const float *w) {
    constexpr int QK = zero_point_block<B>;
    auto *y = static_cast<B *>(vy);
    for (int64_t b = 0; b < n / QK; b++) {
        B blk{};
        uint8_t q[QK];
        const zero_point_grid g = fit_zero_point(x + b * QK, w ? w + b * QK : nullptr, QK, 15, q);
        blk.d = g.d;
        blk.z = uint8_t(g.z);
        for (int s = 0; s < QK / QK4; s++) pack_nibbles(q + QK4 * s, blk.qs + QK4 / 2 * s);
        std::memcpy(&y[b], &blk, sizeof blk);
    }
}

template <class B> void set_level_z(void *x, int64_t j, int q) {
    constexpr int QK = zero_point_block<B>;
    B &b = static_cast<B *>(x)[j / QK];
    const int i = int(j % QK);
    put_bits(&b.qs[QK4 / 2 * (i / QK4) + i % (QK4 / 2)], i % QK4 < QK4 / 2 ? 0 : 4, 4, q);
}

template <class B> void level_line_z(const void *vx, int64_t n, float *a, float *b) {
    constexpr int QK = zero_point_block<B>;
    const auto *x = static_cast<const B *>(vx);
    for (int64_t j = 0; j < n; j++) {
        const B blk = load(&x[j / QK]);
        a[j] = fp16_to_fp32(blk.d);
        b[j] = -float(blk.z) * a[j];
    }
}

template <class B> void dequantize_z(const void *vx, float *y, int64_t n) {
    constexpr int QK = zero_point_block<B>;
    const auto *x = static_cast<const B *>(vx);
    for (int64_t b = 0; b < n / QK; b++) {
        const B blk = load(&x[b]);
        const float d = fp16_to_fp32(blk.d);
        // |q - z| <= 16 and d has 11 significant bits: the product is exact
        for (int j = 0; j < QK; j++) y[b * QK + j] = float(payload_nibble(blk.qs, j) - blk.z) * d;
    }
}

// Each payload against its own Q8_0 block: the exact integer sum of its
// levels less z times the activation's, then one fused multiply-add.
template <class B> void vec_dot_z(int64_t n, float *s, const void *vx, const void *vy) {
    constexpr int QK = zero_point_block<B>;
    const auto *x = static_cast<const B *>(vx);
    const auto *y = static_cast<const block_q8_0 *>(vy);
    dot_sum sum;
    for (int64_t b = 0; b < n / QK; b++) {
        const B blk = load(&x[b]);
        for (int sb = 0; sb < QK / QK4; sb++) {
            const block_q8_0 &yb = y[b * (QK / QK4) + sb];
            int sumi = 0;
            for (int j = 0; j < QK4; j++)
                sumi += (nibble(blk.qs + QK4 / 2 * sb, j) - blk.z) * yb.qs[j];
            sum.fma(float(sumi), fp16_to_fp32(blk.d) * fp16_to_fp32(yb.d));
        }
    }
    *s = sum.total();
}

} // namespace

void quantize_row_q4_z_ref(const float *x, void *y, int64_t n) {
    quantize_z<block_q4_z>(x, y, n, nullptr);
}
void quantize_row_q4_z128_ref(const float *x, void *y, int64_t n) {
    quantize_z<block_q4_z128>(x, y, n, nullptr);
}
void quantize_row_q4_z_weighted(const float *x, void *y, int64_t n, const float *w) {
    quantize_z<block_q4_z>(x, y, n, w);
}
void quantize_row_q4_z128_weighted(const float *x, void *y, int64_t n, const float *w) {
    quantize_z<block_q4_z128>(x, y, n, w);
}
void set_level_q4_z(void *x, int64_t j, int q) { set_level_z<block_q4_z>(x, j, q); }
void set_level_q4_z128(void *x, int64_t j, int q) { set_level_z<block_q4_z128>(x, j, q); }
void level_line_q4_z(const void *x, int64_t n, float *a, float *b) {
    level_line_z<block_q4_z>(x, n, a, b);
}
void level_line_q4_z128(const void *x, int64_t n, float *a, float *b) {
    level_line_z<block_q4_z128>(x, n, a, b);
}
void dequantize_row_q4_z(const void *x, float *y, int64_t n) { dequantize_z<block_q4_z>(x, y, n); }
void dequantize_row_q4_z128(const void *x, float *y, int64_t n) {
    dequantize_z<block_q4_z128>(x, y, n);
}
void vec_dot_q4_z_q8_0_ref(int64_t n, float *s, const void *x, const void *y) {
    vec_dot_z<block_q4_z>(n, s, x, y);
}
void vec_dot_q4_z128_q8_0_ref(int64_t n, float *s, const void *x, const void *y) {
    vec_dot_z<block_q4_z128>(n, s, x, y);
}

} // namespace ggml
