// 4-bit blocks of 32 weights. Q4_0 and Q4_1 are byte-identical with ggml's;
// Q4_Z is this project's: an integer zero point, so 0.0 is exact and GPTQ's
// (scale, zero) groups are stored without loss.
//
// Nibble order (all three): qs[i] holds element i in its low nibble and
// element i + 16 in its high nibble.
#pragma once

#include "q8/blocks.h"

#include <cstdint>

namespace ggml {

constexpr int QK4 = 32;

struct block_q4_0 {
    uint16_t d; // fp16: value = d * (q - 8)
    uint8_t qs[QK4 / 2];
};
static_assert(sizeof(block_q4_0) == 18);

struct block_q4_1 {
    uint16_t d; // fp16: value = d * q + m
    uint16_t m;
    uint8_t qs[QK4 / 2];
};
static_assert(sizeof(block_q4_1) == 20);

// The nibbles of 32 levels: a Q4_Z block's payload.
struct q4_payload {
    uint8_t qs[QK4 / 2];
};

// Packed: blocks follow each other every 19 bytes, so d is read unaligned.
struct block_q4_z {
    uint16_t d; // fp16: value = d * (q - z)
    uint8_t z;  // 0..16 (16 only from old GPTQ checkpoints)
    q4_payload sub[1];
} __attribute__((packed));
static_assert(sizeof(block_q4_z) == 19);

// Q4_Z128: one (d, z) for 128 weights, 4.19 bits a weight, so that a GPTQ
// group of 128 is one block. Its quants are four Q4_Z payloads: sub-block s
// (elements 32s..32s+31) in sub[s], so a kernel decodes each sub-block as a
// Q4_Z block against one Q8_0 block.
constexpr int QK4_Z128 = 128;
struct block_q4_z128 {
    uint16_t d;
    uint8_t z;
    q4_payload sub[QK4_Z128 / QK4];
} __attribute__((packed));
static_assert(sizeof(block_q4_z128) == 67);

void quantize_row_q4_0_ref(const float *x, void *y, int64_t n);
void quantize_row_q4_1_ref(const float *x, void *y, int64_t n);
void quantize_row_q4_z_ref(const float *x, void *y, int64_t n);
void quantize_row_q4_z128_ref(const float *x, void *y, int64_t n);
// Q4_0 with importance w (n values, one per element) weighting its scale
// search; null: the reference.
void quantize_row_q4_0_weighted(const float *x, void *y, int64_t n, const float *w);
// Q4_Z with importance w (n values, one per element; null: all 1).
void quantize_row_q4_z_weighted(const float *x, void *y, int64_t n, const float *w);
void quantize_row_q4_z128_weighted(const float *x, void *y, int64_t n, const float *w);
void dequantize_row_q4_0(const void *x, float *y, int64_t n);
void dequantize_row_q4_1(const void *x, float *y, int64_t n);
void dequantize_row_q4_z(const void *x, float *y, int64_t n);
void dequantize_row_q4_z128(const void *x, float *y, int64_t n);
// Element j of a row of blocks set to level q (0..15): traits' element_levels.
void set_level_q4_0(void *x, int64_t j, int q);
void set_level_q4_1(void *x, int64_t j, int q);
void set_level_q4_z(void *x, int64_t j, int q);
void set_level_q4_z128(void *x, int64_t j, int q);
// Each element's levels as a line (traits' element_levels): a * q + b.
void level_line_q4_0(const void *x, int64_t n, float *a, float *b);
void level_line_q4_1(const void *x, int64_t n, float *a, float *b);
void level_line_q4_z(const void *x, int64_t n, float *a, float *b);
void level_line_q4_z128(const void *x, int64_t n, float *a, float *b);
// Scalar references: Q4_0, Q4_Z and Q4_Z128 against Q8_0 activations, Q4_1
// against Q8_1.
void vec_dot_q4_0_q8_0_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_q4_1_q8_1_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_q4_z_q8_0_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_q4_z128_q8_0_ref(int64_t n, float *s, const void *x, const void *y);

} // namespace ggml
