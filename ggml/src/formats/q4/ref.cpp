// Scalar reference of the 4-bit blocks: the specification the SIMD kernels
// are tested against. Q4_0 and Q4_1 round exactly as ggml's reference
// quantizer does (so our files match its bytes); Q4_Z follows docs/formats.md.
#include "q4/blocks.h"

#include "formats/dot_sum.h"
#include "formats/quant_math.h"
#include "formats/zero_point_blocks.h"
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

// Q4_Z and Q4_Z128: payloads of 32 levels in Q4_0's nibble order
// (formats/zero_point_blocks.h).
namespace {

struct q4_levels {
    static constexpr int MAXQ = 15;
    static int get(const q4_payload &p, int j) { return nibble(p.qs, j); }
    static void set(q4_payload &p, int j, int q) {
        put_bits(&p.qs[j % (QK4 / 2)], j < QK4 / 2 ? 0 : 4, 4, q);
    }
};

using q4_z = zero_point_blocks<block_q4_z, q4_levels>;
using q4_z128 = zero_point_blocks<block_q4_z128, q4_levels>;

} // namespace

void quantize_row_q4_z_ref(const float *x, void *y, int64_t n) { q4_z::quantize(x, y, n, nullptr); }
void quantize_row_q4_z128_ref(const float *x, void *y, int64_t n) {
    q4_z128::quantize(x, y, n, nullptr);
}
void quantize_row_q4_z_weighted(const float *x, void *y, int64_t n, const float *w) {
    q4_z::quantize(x, y, n, w);
}
void quantize_row_q4_z128_weighted(const float *x, void *y, int64_t n, const float *w) {
    q4_z128::quantize(x, y, n, w);
}
void set_level_q4_z(void *x, int64_t j, int q) { q4_z::set_level(x, j, q); }
void set_level_q4_z128(void *x, int64_t j, int q) { q4_z128::set_level(x, j, q); }
void level_line_q4_z(const void *x, int64_t n, float *a, float *b) { q4_z::level_line(x, n, a, b); }
void level_line_q4_z128(const void *x, int64_t n, float *a, float *b) {
    q4_z128::level_line(x, n, a, b);
}
void dequantize_row_q4_z(const void *x, float *y, int64_t n) { q4_z::dequantize(x, y, n); }
void dequantize_row_q4_z128(const void *x, float *y, int64_t n) { q4_z128::dequantize(x, y, n); }
void vec_dot_q4_z_q8_0_ref(int64_t n, float *s, const void *x, const void *y) {
    q4_z::vec_dot(n, s, x, y);
}
void vec_dot_q4_z128_q8_0_ref(int64_t n, float *s, const void *x, const void *y) {
    q4_z128::vec_dot(n, s, x, y);
}

} // namespace ggml
