// The order in which every quantized dot product adds up its blocks, the
// scalar references' and every SIMD kernel's: one float sum, to which each
// block in turn adds its terms as fused multiply-adds (rounded once each).
//
// Why one chain: the SIMD kernels compute 8 rows at once (rows repacked in
// groups, formats/row_groups.h), each row's sum in a lane of one vector, so a
// block's terms for 8 rows are one vector FMA and the chain through the
// blocks costs nothing extra. Zero blocks (padding) add exactly nothing: the
// sum starts at +0 and is never -0.
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
