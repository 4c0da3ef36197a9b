// The block Walsh-Hadamard rotation of incoherence processing (QuIP#, Tseng
// et al., arXiv 2402.04396): a linear layer y = W x is stored as W R with
// R = diag(s) H / sqrt(b), H the Walsh-Hadamard matrix of order b (entries
// +-1, symmetric) applied to each block of b inputs and s a sign per input.
// R is orthogonal, so y = (W R)(R^T x): the forward pass rotates x by R^T,
// and the quantizer rounds the rows of W R, whose large values are spread
// over their block. Both are the one map below: R^T x for a column x, and
// w R for a row w (its transpose).
#pragma once

#include <cmath>
#include <cstdint>

namespace ggml {

// x (n elements, n a multiple of block, block a power of two) becomes, block
// by block, H (s * x) / sqrt(block) with s = signs[0..n), each +1 or -1.
// The butterflies run in one fixed order, so every caller gets the same bits.
template <class T> void rotate_blocks(T *x, int64_t n, const int32_t *signs, int64_t block) {
    const T scale = T(1.0 / std::sqrt(double(block)));
    for (int64_t i = 0; i < n; i++) x[i] *= T(signs[i]); // random signs: no branch
    for (T *b = x; b < x + n; b += block) {
        for (int64_t h = 1; h < block; h *= 2)
            for (int64_t i = 0; i < block; i += 2 * h)
                for (int64_t j = i; j < i + h; j++) {
                    const T u = b[j], v = b[j + h];
                    b[j] = u + v;
                    b[j + h] = u - v;
                }
        for (int64_t j = 0; j < block; j++) b[j] *= scale;
    }
}

} // namespace ggml
