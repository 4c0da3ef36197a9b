// The order in which every quantized dot product adds up its blocks, the
// scalar references' and every SIMD kernel's: one float sum, to which each
// block in turn adds its terms as fused multiply-adds (rounded once each).
//
// Why one chain: the SIMD kernels compute 8 rows at once (rows repacked in
// groups, formats/row_groups.h), each row's sum in a lane of one vector, so a
// block's terms for 8 rows are one vector FMA and the chain through the
// blocks costs nothing extra. Zero blocks (padding) add exactly nothing: the
// sum starts at +0 and is never -0.
//
// Blocks of 32 (Q4_*, Q5_*, Q8_0, IQ4_NL): the block's exact integer sum,
// then fma(float(sumi), dx * dy) (Q4_1 and Q5_1 first add m * s).
// Super-blocks of 256 (the K-quants, IQ4_XS; k/super_block.h): exact integer
// sums per sub-block, times the sub-block's integer scale, summed into one
// int32 total per super-block (and a second, of the mins times the
// activation's bsums); then fma(float(total), d * dy) and, for formats with
// mins, fma(float(-min_total), dmin * dy): at most two fused multiply-adds
// per 256 weights, all else integer work a kernel keeps in vector lanes.
#pragma once

#include <cmath>

namespace ggml {

struct dot_sum {
    float s = 0.0f;

    // s += a * c, rounded once
    void fma(float a, float c) { s = std::fma(a, c, s); }
    float total() const { return s; }
};

} // namespace ggml
