// Scalar reference of the 5-bit blocks: the specification the SIMD kernels
// are tested against. The quantizers round exactly as ggml's reference ones
// (quantize_row_q5_0_ref, quantize_row_q5_1_ref), so files match its bytes;
// the dot products follow formats/dot_sum.h as Q4_0's and Q4_1's do.
#include "formats/quant_math.h"
#include "q5/blocks.h"

#include "formats/dot_sum.h"
#include "fp16.h"
#include "k/scale_search.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

namespace ggml {

namespace {

// The 5-bit quant of element j.
template <class B> inline int quant5(const B &b, int j) {
    uint32_t qh;
    std::memcpy(&qh, b.qh, sizeof qh);
    const int lo = j < QK5 / 2 ? b.qs[j] & 0x0f : b.qs[j - QK5 / 2] >> 4;
    return lo | int((qh >> j) & 1) << 4;
}

template <class B> inline void pack(const uint8_t q[QK5], B *b) {
    uint32_t qh = 0;
    for (int i = 0; i < QK5 / 2; i++) b->qs[i] = uint8_t((q[i] & 0x0f) | (q[i + QK5 / 2] << 4));
    for (int j = 0; j < QK5; j++) qh |= uint32_t(q[j] >> 4) << j;
    std::memcpy(b->qh, &qh, sizeof qh);
}

} // namespace

void quantize_row_q5_0_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<block_q5_0 *>(vy);
    for (int64_t b = 0; b < n / QK5; b++, x += QK5) {
        // as Q4_0: the element of largest magnitude, with its sign, maps to -16
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < QK5; j++) {
            if (amax < std::fabs(x[j])) {
                amax = std::fabs(x[j]);
                max = x[j];
            }
        }
        const float d = max / -16.0f;
        const float id = inverse_scale(d);
        y[b].d = fp32_to_fp16(d);
        // x * id + 16.5 lies in [0.5, 32.5] for finite x; truncated, the top
        // (the far end from max) is clamped to 31
        uint8_t q[QK5];
        for (int j = 0; j < QK5; j++) q[j] = uint8_t(trunc_clamped(x[j] * id + 16.5f, 0, 31));
        pack(q, &y[b]);
    }
}

// With an importance: as Q4_0's (q4/ref.cpp), levels -16..15.
void quantize_row_q5_0_weighted(const float *x, void *vy, int64_t n, const float *w) {
    if (!w) return quantize_row_q5_0_ref(x, vy, n);
    auto *y = static_cast<block_q5_0 *>(vy);
    for (int64_t b = 0; b < n / QK5; b++, x += QK5, w += QK5) {
        int8_t levels[QK5];
        y[b].d = fp32_to_fp16(symmetric_scale_search(QK5, 16, x, levels, w));
        const float id = inverse_scale(fp16_to_fp32(y[b].d));
        uint8_t q[QK5];
        for (int j = 0; j < QK5; j++) q[j] = uint8_t(round_clamped(x[j] * id, -16, 15) + 16);
        pack(q, &y[b]);
    }
}

void quantize_row_q5_1_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<block_q5_1 *>(vy);
    for (int64_t b = 0; b < n / QK5; b++, x += QK5) {
        float min = FLT_MAX, max = -FLT_MAX;
        for (int j = 0; j < QK5; j++) {
            min = std::min(min, x[j]);
            max = std::max(max, x[j]);
        }
        const float d = (max - min) / 31.0f;
        const float id = inverse_scale(d);
        y[b].d = fp32_to_fp16(d);
        y[b].m = fp32_to_fp16(min);
        // (x - min) * id + 0.5 lies in [0.5, 31.5] (up to rounding), so the
        // truncation needs no clamp; unlike Q4_1, ggml clamps nothing here
        // either, and a quant of 32 would keep only its low 5 bits (the
        // clamp only keeps NaN and infinities defined)
        uint8_t q[QK5];
        for (int j = 0; j < QK5; j++)
            q[j] = uint8_t(trunc_clamped((x[j] - min) * id + 0.5f, 0, 255) & 31);
        pack(q, &y[b]);
    }
}

namespace {

// Element j's low 4 bits in the qs of its block, its fifth in qh.
template <class B> void set_quant5(void *x, int64_t j, int q) {
    B &b = static_cast<B *>(x)[j / QK5];
    const int i = int(j % QK5);
    put_bits(&b.qs[i % (QK5 / 2)], i < QK5 / 2 ? 0 : 4, 4, q);
    put_bits(&b.qh[i / 8], i % 8, 1, q >> 4);
}

} // namespace

void set_level_q5_0(void *x, int64_t j, int q) { set_quant5<block_q5_0>(x, j, q); }
void set_level_q5_1(void *x, int64_t j, int q) { set_quant5<block_q5_1>(x, j, q); }

void level_line_q5_0(const void *vx, int64_t n, float *a, float *b) {
    const auto *x = static_cast<const block_q5_0 *>(vx);
    for (int64_t j = 0; j < n; j++) {
        a[j] = fp16_to_fp32(x[j / QK5].d);
        b[j] = -16.0f * a[j];
    }
}
void level_line_q5_1(const void *vx, int64_t n, float *a, float *b) {
    const auto *x = static_cast<const block_q5_1 *>(vx);
    for (int64_t j = 0; j < n; j++) {
        a[j] = fp16_to_fp32(x[j / QK5].d);
        b[j] = fp16_to_fp32(x[j / QK5].m);
    }
}

void dequantize_row_q5_0(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const block_q5_0 *>(vx);
    for (int64_t b = 0; b < n / QK5; b++) {
        const float d = fp16_to_fp32(x[b].d);
        for (int j = 0; j < QK5; j++) y[b * QK5 + j] = float(quant5(x[b], j) - 16) * d;
    }
}

void dequantize_row_q5_1(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const block_q5_1 *>(vx);
    for (int64_t b = 0; b < n / QK5; b++) {
        const float d = fp16_to_fp32(x[b].d);
        const float m = fp16_to_fp32(x[b].m);
        for (int j = 0; j < QK5; j++) y[b * QK5 + j] = float(quant5(x[b], j)) * d + m;
    }
}

void vec_dot_q5_0_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const block_q5_0 *>(vx);
    const auto *y = static_cast<const block_q8_0 *>(vy);
    dot_sum sum;
    for (int64_t b = 0; b < n / QK5; b++) {
        int sumi = 0;
        for (int j = 0; j < QK5; j++) sumi += (quant5(x[b], j) - 16) * y[b].qs[j];
        sum.fma(float(sumi), fp16_to_fp32(x[b].d) * fp16_to_fp32(y[b].d));
    }
    *s = sum.total();
}

void vec_dot_q5_1_q8_1_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const block_q5_1 *>(vx);
    const auto *y = static_cast<const block_q8_1 *>(vy);
    dot_sum sum;
    for (int64_t b = 0; b < n / QK5; b++) {
        int sumi = 0;
        for (int j = 0; j < QK5; j++) sumi += quant5(x[b], j) * y[b].qs[j];
        // as Q4_1: the m term first, then d dy sumi
        sum.fma(fp16_to_fp32(x[b].m), fp16_to_fp32(y[b].s));
        sum.fma(float(sumi), fp16_to_fp32(x[b].d) * fp16_to_fp32(y[b].d));
    }
    *s = sum.total();
}

} // namespace ggml
