// Q3_Z: 3-bit weights with an integer zero point, 32 per block, 15 bytes.
// Bit planes rather than GPTQ's 32-in-3-words order, because planes unpack
// with a few shifts and masks in SIMD:
//   ql[i] bits 2k..2k+1 = low two bits of element 8k + i   (i < 8, k < 4)
//   qh[j / 8] bit j % 8 = high bit of element j            (j < 32)
#pragma once

#include "q8/blocks.h"

#include <cstdint>

namespace ggml {

constexpr int QK3 = 32;

// The bit planes of 32 levels: a Q3_Z block's payload.
struct q3_planes {
    uint8_t ql[8];
    uint8_t qh[4];
};

struct block_q3_z {
    uint16_t d; // fp16: value = d * (q - z), q in 0..7
    uint8_t z;  // 0..8
    q3_planes sub[1];
} __attribute__((packed));
static_assert(sizeof(block_q3_z) == 15);

// Q3_Z128: one (d, z) for 128 weights, 3.19 bits a weight (a GPTQ group of
// 128 in one block), its quants four Q3_Z payloads: sub-block s (elements
// 32s..32s+31) in sub[s].
constexpr int QK3_Z128 = 128;
struct block_q3_z128 {
    uint16_t d;
    uint8_t z;
    q3_planes sub[QK3_Z128 / QK3];
} __attribute__((packed));
static_assert(sizeof(block_q3_z128) == 51);

void quantize_row_q3_z_ref(const float *x, void *y, int64_t n);
void quantize_row_q3_z128_ref(const float *x, void *y, int64_t n);
// With importance w (n values, one per element; null: all 1).
void quantize_row_q3_z_weighted(const float *x, void *y, int64_t n, const float *w);
void quantize_row_q3_z128_weighted(const float *x, void *y, int64_t n, const float *w);
void dequantize_row_q3_z(const void *x, float *y, int64_t n);
void dequantize_row_q3_z128(const void *x, float *y, int64_t n);
// Element j of a row of blocks set to level q (0..7).
void set_level_q3_z(void *x, int64_t j, int q);
void set_level_q3_z128(void *x, int64_t j, int q);
void level_line_q3_z(const void *x, int64_t n, float *a, float *b);
void level_line_q3_z128(const void *x, int64_t n, float *a, float *b);
// Against Q8_0 activations (Q3_Z128: four Q8_0 blocks a block).
void vec_dot_q3_z_q8_0_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_q3_z128_q8_0_ref(int64_t n, float *s, const void *x, const void *y);

} // namespace ggml
