// The order in which every quantized dot product adds up its blocks, the
// scalar references' and every SIMD kernel's: block b's float term goes to
// partial sum b % 8 as one fused multiply-add, and the 8 partials are
// combined in one fixed order at the end.
//
// Why 8 partials: SIMD kernels keep them in vector lanes (partials 0..3 in
// one vector, 4..7 in another), so 4 consecutive blocks are reduced and
// scaled together, with no horizontal sum per block and no serial chain
// through every block, and still give the reference's result bit for bit.
// Zero blocks (padding) add exactly nothing: a partial is never -0.
//
// Blocks of 32 (Q4_*, Q5_*, Q8_0, IQ4_NL): block b's integer sum, then one
// fma(float(sumi), dx * dy) into partial b % 8 (Q4_1 and Q5_1 first add
// m * s). Super-blocks of 256 (K-quants, IQ4_XS; k/super_block.h): b is the
// super-block; exact integer sums per sub-block, times the sub-block's
// integer scale, summed into one int32 total per super-block (and a second,
// of the mins times the activation's bsums), then partial b % 8 gets
// fma(float(total), d * dy) and, for formats with mins,
// fma(float(-min_total), dmin * dy): at most two fused multiply-adds per 256
// weights, so a kernel can keep all the integer work in vector lanes.
#pragma once

#include <cmath>
#include <cstdint>

namespace ggml {

struct dot_partials {
    float p[8] = {};

    // partial[b % 8] += a * c, rounded once
    void fma(int64_t b, float a, float c) { p[b % 8] = std::fma(a, c, p[b % 8]); }

    // Lanes 0..3 plus lanes 4..7, then the two halves of that, then its
    // pair: the vector kernels' reduction.
    float total() const {
        float q[4];
        for (int i = 0; i < 4; i++) q[i] = p[i] + p[i + 4];
        return (q[0] + q[2]) + (q[1] + q[3]);
    }
};

} // namespace ggml
