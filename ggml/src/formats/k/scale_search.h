// The scale searches of ggml's K-quant reference quantizers, reproduced
// operation for operation (same float expressions in the same order, no
// fused multiply-adds) so that the blocks come out byte-identical with
// llama.cpp's: each picks a sub-block's scale (and min) that minimizes a
// weighted squared or absolute error, not just the one mapping the extreme
// element to the end of the range.
#pragma once

#include <bit>
#include <cstdint>

namespace ggml {

// Round to nearest, ties to even, as ggml's nearest_int: adding 1.5 * 2^23
// leaves the integer in the low mantissa bits. Exact for |f| < 2^22; beyond
// that (only where a clamp follows) the bits are what ggml gets too.
inline int nearest_int(float f) {
    const float v = f + 12582912.0f;
    return int(std::bit_cast<uint32_t>(v) & 0x007fffff) - 0x00400000;
}

// Below this largest magnitude a group counts as all zero.
constexpr float GROUP_MAX_EPS = 1e-15f;

// The first of the n values of largest magnitude, with its sign (0 when all
// are 0), and its magnitude in *amax unless that is null. The quantizers map
// it to the end of the range that has more levels, so its sign matters.
float signed_max(int n, const float *x, float *amax = nullptr);

// Symmetric levels -nmax .. nmax - 1 for the n values x, weighted by x^2
// (ggml's make_qx_quants with rmse_type 1) or by `weights` where given (an
// importance per element): tries the 19 scales that map max|x| (with its
// sign) to -(nmax + 0.1 k), k = -9..9, keeps the one of the least weighted
// error with the best scale for its levels. L gets level + nmax (0 .. 2 nmax
// - 1); returns the scale (0 for an all-zero group).
float symmetric_scale_search(int n, int nmax, const float *x, int8_t *L,
                             const float *weights = nullptr);

// Q3_K's search (ggml's make_q3_quants with do_rmse): levels -nmax .. nmax-1
// for the largest magnitude first, then up to 5 passes that move single
// elements to the level that most improves the x^2-weighted fit. L gets
// level + nmax; returns the scale.
float q3_scale_search(int n, int nmax, const float *x, int8_t *L);

// Levels 0 .. nmax with a min (ggml's make_qkx2_quants): value = scale * L
// - *the_min. Starts from the range [min(x, 0), max(x)], then tries nstep + 1
// stretched ranges (nmax + rmin + rdelta k levels over it), each with the
// least-squares scale and min for its levels, and keeps the lowest weighted
// error (absolute with use_mad, else squared). the_min is >= 0; Laux is
// scratch of n bytes.
float min_scale_search(int n, int nmax, const float *x, const float *weights, uint8_t *L,
                       float *the_min, uint8_t *Laux, float rmin, float rdelta, int nstep,
                       bool use_mad);

} // namespace ggml
