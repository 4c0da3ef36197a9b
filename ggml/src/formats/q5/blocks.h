// 5-bit blocks of 32 weights, byte-identical with ggml's Q5_0 and Q5_1: the
// low 4 bits of each quant in Q4_0's nibble order (qs[i]: element i low,
// element i + 16 high), the fifth bits in qh, a little-endian 32-bit mask
// whose bit j belongs to element j.
#pragma once

#include "q8/blocks.h"

#include <cstdint>

namespace ggml {

constexpr int QK5 = 32;

struct block_q5_0 {
    uint16_t d; // fp16: value = d * (q - 16)
    uint8_t qh[4];
    uint8_t qs[QK5 / 2];
};
static_assert(sizeof(block_q5_0) == 22);

struct block_q5_1 {
    uint16_t d; // fp16: value = d * q + m
    uint16_t m;
    uint8_t qh[4];
    uint8_t qs[QK5 / 2];
};
static_assert(sizeof(block_q5_1) == 24);

void quantize_row_q5_0_ref(const float *x, void *y, int64_t n);
void quantize_row_q5_1_ref(const float *x, void *y, int64_t n);
// Q5_0 with importance w (n values, one per element) weighting its scale
// search; null: the reference.
void quantize_row_q5_0_weighted(const float *x, void *y, int64_t n, const float *w);
void dequantize_row_q5_0(const void *x, float *y, int64_t n);
void dequantize_row_q5_1(const void *x, float *y, int64_t n);
// Element j of a row of blocks set to level q (0..31).
void set_level_q5_0(void *x, int64_t j, int q);
void set_level_q5_1(void *x, int64_t j, int q);
void level_line_q5_0(const void *x, int64_t n, float *a, float *b);
void level_line_q5_1(const void *x, int64_t n, float *a, float *b);
// Scalar references: Q5_0 against Q8_0 activations, Q5_1 against Q8_1.
void vec_dot_q5_0_q8_0_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_q5_1_q8_1_ref(int64_t n, float *s, const void *x, const void *y);

} // namespace ggml
