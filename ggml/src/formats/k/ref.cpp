// Scalar reference of the K-quants: where each bit of a super-block lives
// (the decoders), dequantization (ggml's floats exactly) and the dot
// products against Q8_K, the specification SIMD kernels must reproduce bit
// for bit (order in k/super_block.h and formats/dot_sum.h).
#include "k/blocks.h"
#include "k/super_block.h"

#include "formats/quant_math.h"
#include "fp16.h"

namespace ggml {

namespace {

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

// Each decoder walks its block in storage order: element e = 128 h + 32 k +
// l (Q2_K, Q3_K, Q6_K) or 64 c + 32 k + l (Q4_K, Q5_K), l fastest, so its
// loops run over 32 consecutive bytes.

// Q2_K: element 128 h + 32 k + l in bits 2k, 2k + 1 of qs[32 h + l]
void decode(const block_q2_K &x, super_block *b) {
    *b = {fp16_to_fp32(x.d), fp16_to_fp32(x.dmin), 16, true, {}, {}, {}};
    for (int j = 0; j < QK_K / 16; j++) {
        b->scale[j] = x.scales[j] & 15;
        b->min[j] = x.scales[j] >> 4;
    }
    for (int h = 0; h < 2; h++)
        for (int k = 0; k < 4; k++)
            for (int l = 0; l < 32; l++)
                b->q[128 * h + 32 * k + l] = int8_t((x.qs[32 * h + l] >> (2 * k)) & 3);
}

// Q3_K: the low bits as Q2_K's; the high bit of element e is bit e / 32 of
// hmask[e % 32], and a clear bit means 4 less (ggml stores it inverted)
void decode(const block_q3_K &x, super_block *b) {
    *b = {fp16_to_fp32(x.d), 0.0f, 16, false, {}, {}, {}};
    for (int j = 0; j < QK_K / 16; j++) {
        const int low = j < 8 ? x.scales[j] & 15 : x.scales[j - 8] >> 4;
        const int high = (x.scales[8 + j % 4] >> (2 * (j / 4))) & 3;
        b->scale[j] = (low | high << 4) - 32;
    }
    for (int h = 0; h < 2; h++)
        for (int k = 0; k < 4; k++)
            for (int l = 0; l < 32; l++) {
                const int low = (x.qs[32 * h + l] >> (2 * k)) & 3;
                const int high = (x.hmask[l] >> (4 * h + k)) & 1;
                b->q[128 * h + 32 * k + l] = int8_t(low - (high ? 0 : 4));
            }
}

// Q4_K: element 64 c + 32 k + l in the low (k = 0) or high (k = 1) nibble
// of qs[32 c + l]
void decode(const block_q4_K &x, super_block *b) {
    *b = {fp16_to_fp32(x.d), fp16_to_fp32(x.dmin), 32, true, {}, {}, {}};
    for (int j = 0; j < QK_K / 32; j++) scale_min(x.scales, j, &b->scale[j], &b->min[j]);
    for (int c = 0; c < 4; c++)
        for (int l = 0; l < 32; l++) {
            b->q[64 * c + l] = int8_t(x.qs[32 * c + l] & 15);
            b->q[64 * c + 32 + l] = int8_t(x.qs[32 * c + l] >> 4);
        }
}

// Q5_K: Q4_K's nibbles; the fifth bit of element e is bit e / 32 of
// qh[e % 32]
void decode(const block_q5_K &x, super_block *b) {
    *b = {fp16_to_fp32(x.d), fp16_to_fp32(x.dmin), 32, true, {}, {}, {}};
    for (int j = 0; j < QK_K / 32; j++) scale_min(x.scales, j, &b->scale[j], &b->min[j]);
    for (int c = 0; c < 4; c++)
        for (int l = 0; l < 32; l++) {
            const int lo = x.qs[32 * c + l] & 15, hi = x.qs[32 * c + l] >> 4;
            b->q[64 * c + l] = int8_t(lo | ((x.qh[l] >> (2 * c)) & 1) << 4);
            b->q[64 * c + 32 + l] = int8_t(hi | ((x.qh[l] >> (2 * c + 1)) & 1) << 4);
        }
}

// Q6_K: element 128 h + 32 k + l has its low 4 bits in ql[64 h + 32 (k & 1)
// + l] (the low nibble for k < 2, the high one for k >= 2) and its top two
// in bits 2k, 2k + 1 of qh[32 h + l]; stored as q + 32
void decode(const block_q6_K &x, super_block *b) {
    *b = {fp16_to_fp32(x.d), 0.0f, 16, false, {}, {}, {}};
    for (int j = 0; j < QK_K / 16; j++) b->scale[j] = x.scales[j];
    for (int h = 0; h < 2; h++)
        for (int k = 0; k < 4; k++)
            for (int l = 0; l < 32; l++) {
                const int low = (x.ql[64 * h + 32 * (k & 1) + l] >> (4 * (k >> 1))) & 15;
                const int high = (x.qh[32 * h + l] >> (2 * k)) & 3;
                b->q[128 * h + 32 * k + l] = int8_t((low | high << 4) - 32);
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

// The encoders of one element's level: where the decoders above read it.
// For Q2_K, Q3_K, Q6_K element e of a super-block is 128 h + 32 k + l, for
// Q4_K and Q5_K 64 c + 32 k + l.
void set_level_q2_K(void *x, int64_t j, int q) {
    block_q2_K &b = static_cast<block_q2_K *>(x)[j / QK_K];
    const int e = int(j % QK_K), h = e / 128, k = e / 32 % 4, l = e % 32;
    put_bits(&b.qs[32 * h + l], 2 * k, 2, q);
}
void set_level_q3_K(void *x, int64_t j, int q) {
    block_q3_K &b = static_cast<block_q3_K *>(x)[j / QK_K];
    const int e = int(j % QK_K), h = e / 128, k = e / 32 % 4, l = e % 32;
    put_bits(&b.qs[32 * h + l], 2 * k, 2, q);
    put_bits(&b.hmask[l], 4 * h + k, 1, q >> 2);
}
void set_level_q4_K(void *x, int64_t j, int q) {
    block_q4_K &b = static_cast<block_q4_K *>(x)[j / QK_K];
    const int e = int(j % QK_K), c = e / 64, k = e / 32 % 2, l = e % 32;
    put_bits(&b.qs[32 * c + l], 4 * k, 4, q);
}
void set_level_q5_K(void *x, int64_t j, int q) {
    block_q5_K &b = static_cast<block_q5_K *>(x)[j / QK_K];
    const int e = int(j % QK_K), c = e / 64, k = e / 32 % 2, l = e % 32;
    put_bits(&b.qs[32 * c + l], 4 * k, 4, q);
    put_bits(&b.qh[l], 2 * c + k, 1, q >> 4);
}
void set_level_q6_K(void *x, int64_t j, int q) {
    block_q6_K &b = static_cast<block_q6_K *>(x)[j / QK_K];
    const int e = int(j % QK_K), h = e / 128, k = e / 32 % 4, l = e % 32;
    put_bits(&b.ql[64 * h + 32 * (k & 1) + l], 4 * (k >> 1), 4, q);
    put_bits(&b.qh[32 * h + l], 2 * k, 2, q >> 4);
}

// Level lines from the decoded super-blocks: level q is the decoder's q +
// OFFSET (Q3_K's and Q6_K's are signed), so a = d * scale and b = -dmin *
// min, or -OFFSET * a.
template <class B, void (*Decode)(const B &, super_block *), int OFFSET>
void level_lines(const void *vx, int64_t n, float *a, float *b) {
    const auto *x = static_cast<const B *>(vx);
    super_block sb;
    for (int64_t i = 0; i < n / QK_K; i++) {
        Decode(x[i], &sb);
        for (int e = 0; e < QK_K; e++) {
            const int j = e / sb.sub;
            const float dl = sb.d * float(sb.scale[j]);
            a[i * QK_K + e] = dl;
            b[i * QK_K + e] = sb.has_min ? -(sb.dmin * float(sb.min[j])) : -float(OFFSET) * dl;
        }
    }
}
void level_line_q2_K(const void *x, int64_t n, float *a, float *b) {
    level_lines<block_q2_K, decode, 0>(x, n, a, b);
}
void level_line_q3_K(const void *x, int64_t n, float *a, float *b) {
    level_lines<block_q3_K, decode, 4>(x, n, a, b);
}
void level_line_q4_K(const void *x, int64_t n, float *a, float *b) {
    level_lines<block_q4_K, decode, 0>(x, n, a, b);
}
void level_line_q5_K(const void *x, int64_t n, float *a, float *b) {
    level_lines<block_q5_K, decode, 0>(x, n, a, b);
}
void level_line_q6_K(const void *x, int64_t n, float *a, float *b) {
    level_lines<block_q6_K, decode, 32>(x, n, a, b);
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
