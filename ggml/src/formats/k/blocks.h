// ggml's K-quants, byte-identical with its blocks: super-blocks of QK_K = 256
// weights of one row, cut into 16 sub-blocks of 16 weights (Q2_K, Q3_K, Q6_K)
// or 8 of 32 (Q4_K, Q5_K), each with an integer scale (and for Q2_K, Q4_K,
// Q5_K an integer min) that the super-block's fp16 d (and dmin) multiplies.
// Q8_K is their activation type. Where each bit of an element lives is
// spelt out in docs/formats.md section 1 and in the decoders of ref.cpp.
#pragma once

#include <cstdint>

namespace ggml {

constexpr int QK_K = 256;

// value of element i in sub-block j (16 weights): d * (scales[j] & 15) * q_i
// - dmin * (scales[j] >> 4), q_i in 0..3
struct block_q2_K {
    uint8_t scales[QK_K / 16]; // low nibble scale, high nibble min
    uint8_t qs[QK_K / 4];      // 2-bit quants, 4 per byte
    uint16_t d;                // fp16
    uint16_t dmin;             // fp16
};
static_assert(sizeof(block_q2_K) == 84);

// value: d * (s_j - 32) * (q_i - 4), q_i in 0..7 (low 2 bits in qs, the high
// bit in hmask), s_j a 6-bit scale packed into 12 bytes
struct block_q3_K {
    uint8_t hmask[QK_K / 8];
    uint8_t qs[QK_K / 4];
    uint8_t scales[12];
    uint16_t d; // fp16
};
static_assert(sizeof(block_q3_K) == 110);

// value: d * s_j * q_i - dmin * m_j, q_i in 0..15, 6-bit s_j and m_j packed
// into 12 bytes
struct block_q4_K {
    uint16_t d;    // fp16
    uint16_t dmin; // fp16
    uint8_t scales[12];
    uint8_t qs[QK_K / 2];
};
static_assert(sizeof(block_q4_K) == 144);

// as Q4_K with q_i in 0..31, the fifth bit in qh
struct block_q5_K {
    uint16_t d;    // fp16
    uint16_t dmin; // fp16
    uint8_t scales[12];
    uint8_t qh[QK_K / 8];
    uint8_t qs[QK_K / 2];
};
static_assert(sizeof(block_q5_K) == 176);

// value: d * scales[j] * (q_i - 32), q_i in 0..63 (low 4 bits in ql, high 2 in
// qh)
struct block_q6_K {
    uint8_t ql[QK_K / 2];
    uint8_t qh[QK_K / 4];
    int8_t scales[QK_K / 16];
    uint16_t d; // fp16
};
static_assert(sizeof(block_q6_K) == 210);

// Activations: value d * qs[i]; bsums[k] = sum of qs[16k .. 16k + 15], which
// the formats with mins multiply by theirs.
struct block_q8_K {
    float d;
    int8_t qs[QK_K];
    int16_t bsums[QK_K / 16];
};
static_assert(sizeof(block_q8_K) == 292);

void quantize_row_q2_K_ref(const float *x, void *y, int64_t n);
void quantize_row_q3_K_ref(const float *x, void *y, int64_t n);
void quantize_row_q4_K_ref(const float *x, void *y, int64_t n);
void quantize_row_q5_K_ref(const float *x, void *y, int64_t n);
void quantize_row_q6_K_ref(const float *x, void *y, int64_t n);
// Q4_K, Q5_K, Q6_K with importance w (n values, one per element) as the
// scale searches' weights; null: the reference.
void quantize_row_q4_K_weighted(const float *x, void *y, int64_t n, const float *w);
void quantize_row_q5_K_weighted(const float *x, void *y, int64_t n, const float *w);
void quantize_row_q6_K_weighted(const float *x, void *y, int64_t n, const float *w);
void quantize_row_q8_K_ref(const float *x, void *y, int64_t n);
void dequantize_row_q2_K(const void *x, float *y, int64_t n);
void dequantize_row_q3_K(const void *x, float *y, int64_t n);
void dequantize_row_q4_K(const void *x, float *y, int64_t n);
void dequantize_row_q5_K(const void *x, float *y, int64_t n);
void dequantize_row_q6_K(const void *x, float *y, int64_t n);
void dequantize_row_q8_K(const void *x, float *y, int64_t n);
// Element j of a row of super-blocks set to level q, 0..2^bits - 1 (Q6_K's
// and Q3_K's levels count from their lowest value: stored q decodes to
// q - 32, q - 4).
void set_level_q2_K(void *x, int64_t j, int q);
void set_level_q3_K(void *x, int64_t j, int q);
void set_level_q4_K(void *x, int64_t j, int q);
void set_level_q5_K(void *x, int64_t j, int q);
void set_level_q6_K(void *x, int64_t j, int q);
// Each element's levels as a line: a * q + b.
void level_line_q2_K(const void *x, int64_t n, float *a, float *b);
void level_line_q3_K(const void *x, int64_t n, float *a, float *b);
void level_line_q4_K(const void *x, int64_t n, float *a, float *b);
void level_line_q5_K(const void *x, int64_t n, float *a, float *b);
void level_line_q6_K(const void *x, int64_t n, float *a, float *b);
// Scalar references against Q8_K activations.
void vec_dot_q2_K_q8_K_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_q3_K_q8_K_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_q4_K_q8_K_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_q5_K_q8_K_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_q6_K_q8_K_ref(int64_t n, float *s, const void *x, const void *y);

} // namespace ggml
