// Scalar reference of the K-quants: where each bit of a super-block lives
// (the decoders), dequantization (ggml's floats exactly) and the dot
// products against Q8_K, the specification SIMD kernels must reproduce bit
// for bit (order in k/super_block.h and formats/dot_sum.h).
#include "k/blocks.h"
#include "k/super_block.h"

#include "fp16.h"

namespace ggml {

namespace {

// Q2_K's and Q3_K's 2-bit level of element e: byte 32 h + l, bits 2k, with
// e = 128 h + 32 k + l.
inline int crumb(const uint8_t *qs, int e) {
    return (qs[32 * (e / 128) + e % 32] >> (2 * (e % 128 / 32))) & 3;
}

// Q4_K's and Q5_K's low 4 bits of element e = 64 c + 32 k + l: the low
// (k = 0) or high (k = 1) nibble of byte 32 c + l.
inline int nibble(const uint8_t *qs, int e) {
    return (qs[32 * (e / 64) + e % 32] >> (4 * (e % 64 / 32))) & 15;
}

// Q4_K's and Q5_K's sub-block j scale and min (see pack_scales_mins in
// quantize_ref.cpp).
inline void scale_min(const uint8_t *s, int j, int *sc, int *m) {
    if (j < 4) {
        *sc = s[j] & 63;
        *m = s[j + 4] & 63;
    } else {
        *sc = (s[j + 4] & 15) | (s[j - 4] >> 6) << 4;
        *m = (s[j + 4] >> 4) | (s[j] >> 6) << 4;
    }
}

void decode(const block_q2_K &x, super_block *b) {
    *b = {fp16_to_fp32(x.d), fp16_to_fp32(x.dmin), 16, true, {}, {}, {}};
    for (int j = 0; j < QK_K / 16; j++) {
        b->scale[j] = x.scales[j] & 15;
        b->min[j] = x.scales[j] >> 4;
    }
    for (int e = 0; e < QK_K; e++) b->q[e] = int8_t(crumb(x.qs, e));
}

void decode(const block_q3_K &x, super_block *b) {
    *b = {fp16_to_fp32(x.d), 0.0f, 16, false, {}, {}, {}};
    for (int j = 0; j < QK_K / 16; j++) {
        const int low = j < 8 ? x.scales[j] & 15 : x.scales[j - 8] >> 4;
        const int high = (x.scales[8 + j % 4] >> (2 * (j / 4))) & 3;
        b->scale[j] = (low | high << 4) - 32;
    }
    // the high bit of element e is bit e / 32 of hmask[e % 32]; a clear bit
    // means 4 less (ggml stores the offset inverted)
    for (int e = 0; e < QK_K; e++) {
        const bool high = (x.hmask[e % 32] >> (e / 32)) & 1;
        b->q[e] = int8_t(crumb(x.qs, e) - (high ? 0 : 4));
    }
}

void decode(const block_q4_K &x, super_block *b) {
    *b = {fp16_to_fp32(x.d), fp16_to_fp32(x.dmin), 32, true, {}, {}, {}};
    for (int j = 0; j < QK_K / 32; j++) scale_min(x.scales, j, &b->scale[j], &b->min[j]);
    for (int e = 0; e < QK_K; e++) b->q[e] = int8_t(nibble(x.qs, e));
}

void decode(const block_q5_K &x, super_block *b) {
    *b = {fp16_to_fp32(x.d), fp16_to_fp32(x.dmin), 32, true, {}, {}, {}};
    for (int j = 0; j < QK_K / 32; j++) scale_min(x.scales, j, &b->scale[j], &b->min[j]);
    // the fifth bit of element e is bit e / 32 of qh[e % 32]
    for (int e = 0; e < QK_K; e++)
        b->q[e] = int8_t(nibble(x.qs, e) | ((x.qh[e % 32] >> (e / 32)) & 1) << 4);
}

void decode(const block_q6_K &x, super_block *b) {
    *b = {fp16_to_fp32(x.d), 0.0f, 16, false, {}, {}, {}};
    for (int j = 0; j < QK_K / 16; j++) b->scale[j] = x.scales[j];
    // element e = 128 h + 32 k + l: low nibble of ql[64 h + 32 (k & 1) + l]
    // for k < 2, its high nibble for k >= 2; bits 2k, 2k + 1 of qh[32 h + l]
    // on top
    for (int e = 0; e < QK_K; e++) {
        const int h = e / 128, k = e % 128 / 32, l = e % 32;
        const int low = (x.ql[64 * h + 32 * (k & 1) + l] >> (4 * (k >> 1))) & 15;
        const int high = (x.qh[32 * h + l] >> (2 * k)) & 3;
        b->q[e] = int8_t((low | high << 4) - 32);
    }
}

} // namespace

void dequantize_row_q2_K(const void *x, float *y, int64_t n) {
    dequantize_super_blocks<block_q2_K, decode>(x, y, n);
}
void dequantize_row_q3_K(const void *x, float *y, int64_t n) {
    dequantize_super_blocks<block_q3_K, decode>(x, y, n);
}
void dequantize_row_q4_K(const void *x, float *y, int64_t n) {
    dequantize_super_blocks<block_q4_K, decode>(x, y, n);
}
void dequantize_row_q5_K(const void *x, float *y, int64_t n) {
    dequantize_super_blocks<block_q5_K, decode>(x, y, n);
}
void dequantize_row_q6_K(const void *x, float *y, int64_t n) {
    dequantize_super_blocks<block_q6_K, decode>(x, y, n);
}

void dequantize_row_q8_K(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const block_q8_K *>(vx);
    for (int64_t b = 0; b < n / QK_K; b++)
        for (int i = 0; i < QK_K; i++) y[b * QK_K + i] = x[b].d * float(x[b].qs[i]);
}

void vec_dot_q2_K_q8_K_ref(int64_t n, float *s, const void *x, const void *y) {
    vec_dot_super_blocks<block_q2_K, decode>(n, s, x, y);
}
void vec_dot_q3_K_q8_K_ref(int64_t n, float *s, const void *x, const void *y) {
    vec_dot_super_blocks<block_q3_K, decode>(n, s, x, y);
}
void vec_dot_q4_K_q8_K_ref(int64_t n, float *s, const void *x, const void *y) {
    vec_dot_super_blocks<block_q4_K, decode>(n, s, x, y);
}
void vec_dot_q5_K_q8_K_ref(int64_t n, float *s, const void *x, const void *y) {
    vec_dot_super_blocks<block_q5_K, decode>(n, s, x, y);
}
void vec_dot_q6_K_q8_K_ref(int64_t n, float *s, const void *x, const void *y) {
    vec_dot_super_blocks<block_q6_K, decode>(n, s, x, y);
}

} // namespace ggml
