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
