// 8-bit blocks, byte-identical with ggml's: the activation partners of the
// 4-bit and 3-bit weight formats (and a weight format of their own, Q8_0).
#pragma once

#include <cstdint>

namespace ggml {

constexpr int QK8 = 32; // weights per block

struct block_q8_0 {
    uint16_t d; // fp16 scale: value = d * qs[j]
    int8_t qs[QK8];
};
static_assert(sizeof(block_q8_0) == 34);

struct block_q8_1 {
    uint16_t d; // fp16 scale: value = d * qs[j]
    uint16_t s; // fp16 of d * sum(qs), for Q4_1's min term
    int8_t qs[QK8];
};
static_assert(sizeof(block_q8_1) == 36);

void quantize_row_q8_0_ref(const float *x, void *y, int64_t n);
void quantize_row_q8_1_ref(const float *x, void *y, int64_t n);
void dequantize_row_q8_0(const void *x, float *y, int64_t n);
void dequantize_row_q8_1(const void *x, float *y, int64_t n);
// Element j of a row of Q8_0 blocks set to level q (0..255), stored as q - 128.
void set_level_q8_0(void *x, int64_t j, int q);
void level_line_q8_0(const void *x, int64_t n, float *a, float *b);
void vec_dot_q8_0_q8_0_ref(int64_t n, float *s, const void *x, const void *y);

} // namespace ggml
