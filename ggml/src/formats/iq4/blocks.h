// ggml's non-linear 4-bit blocks, byte-identical with its IQ4_NL and IQ4_XS:
// a nibble indexes a fixed table of 16 levels, denser near zero (where
// weights are), instead of standing for an evenly spaced value.
//   IQ4_NL: 32 weights, value d * IQ4_LEVELS[q], Q4_0's nibble order.
//   IQ4_XS: a super-block of 256 (k/blocks.h) in 8 sub-blocks of 32, value
//     d * (s_j - 32) * IQ4_LEVELS[q], s_j 6 bits: low 4 in nibble j % 2 of
//     scales_l[j / 2], high 2 at bit 2 j of scales_h; sub-block j's nibbles
//     in qs[16 j .. 16 j + 15] in Q4_0's order.
#pragma once

#include "k/blocks.h"
#include "q8/blocks.h"

#include <cstdint>

namespace ggml {

constexpr int QK4_NL = 32;

inline constexpr int8_t IQ4_LEVELS[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                          1,    13,   25,  38,  53,  69,  89,  113};

struct block_iq4_nl {
    uint16_t d; // fp16
    uint8_t qs[QK4_NL / 2];
};
static_assert(sizeof(block_iq4_nl) == 18);

struct block_iq4_xs {
    uint16_t d; // fp16
    uint16_t scales_h;
    uint8_t scales_l[QK_K / 64];
    uint8_t qs[QK_K / 2];
};
static_assert(sizeof(block_iq4_xs) == 136);

void quantize_row_iq4_nl_ref(const float *x, void *y, int64_t n);
void quantize_row_iq4_xs_ref(const float *x, void *y, int64_t n);
void dequantize_row_iq4_nl(const void *x, float *y, int64_t n);
void dequantize_row_iq4_xs(const void *x, float *y, int64_t n);
// Scalar references: IQ4_NL against Q8_0 activations, IQ4_XS against Q8_K.
void vec_dot_iq4_nl_q8_0_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_iq4_xs_q8_K_ref(int64_t n, float *s, const void *x, const void *y);

} // namespace ggml
