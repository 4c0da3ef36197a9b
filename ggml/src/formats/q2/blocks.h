// Q2_Z and Q2_Z128: 2-bit weights with an integer zero point, value
// d * (q - z), q in 0..3 and z in 0..4 (4 only from GPTQ v1 checkpoints).
// A payload of 32 levels is 8 bytes in Q3_Z's low-bit order:
//   qs[i] bits 2k..2k+1 = element 8k + i   (i < 8, k < 4)
// Q2_Z has one payload a block (11 bytes, 2.75 bits a weight), Q2_Z128
// four (35 bytes for 128 weights, 2.19 bits a weight: a GPTQ group of 128
// in one block).
#pragma once

#include "q8/blocks.h"

#include <cstdint>

namespace ggml {

constexpr int QK2 = 32;
constexpr int QK2_Z128 = 128;

struct q2_payload {
    uint8_t qs[8];
};

struct block_q2_z {
    uint16_t d; // fp16: value = d * (q - z)
    uint8_t z;
    q2_payload sub[1];
} __attribute__((packed));
static_assert(sizeof(block_q2_z) == 11);

struct block_q2_z128 {
    uint16_t d;
    uint8_t z;
    q2_payload sub[QK2_Z128 / QK2];
} __attribute__((packed));
static_assert(sizeof(block_q2_z128) == 35);

void quantize_row_q2_z_ref(const float *x, void *y, int64_t n);
void quantize_row_q2_z128_ref(const float *x, void *y, int64_t n);
// With importance w (n values, one per element; null: all 1).
void quantize_row_q2_z_weighted(const float *x, void *y, int64_t n, const float *w);
void quantize_row_q2_z128_weighted(const float *x, void *y, int64_t n, const float *w);
void dequantize_row_q2_z(const void *x, float *y, int64_t n);
void dequantize_row_q2_z128(const void *x, float *y, int64_t n);
// Element j of a row of blocks set to level q (0..3).
void set_level_q2_z(void *x, int64_t j, int q);
void set_level_q2_z128(void *x, int64_t j, int q);
void level_line_q2_z(const void *x, int64_t n, float *a, float *b);
void level_line_q2_z128(const void *x, int64_t n, float *a, float *b);
// Against Q8_0 activations (Q2_Z128: four Q8_0 blocks a block).
void vec_dot_q2_z_q8_0_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_q2_z128_q8_0_ref(int64_t n, float *s, const void *x, const void *y);

} // namespace ggml
