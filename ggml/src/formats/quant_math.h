// Scale and rounding steps shared by the reference quantizers and the SIMD
// activation quantizers, defined for every float input: a block so small
// that 1/d overflows, and NaN or infinite values, never reach an
// out-of-range float-to-int conversion (undefined behaviour). Internal
// linkage: the kernel files are compiled with their own -m flags (see
// x86/common.h).
#pragma once

#include <cfloat>
#include <cmath>
#include <cstdint>

namespace {

// 1/d, or 0 when d is 0, not finite, or so small (below about 2^-128) that
// 1/d overflows: such a block quantizes to zeros (its fp16 scale is 0
// anyway). For every other d, exactly 1.0f / d, as ggml computes it.
inline float inverse_scale(float d) {
    if (d == 0.0f) return 0.0f;
    const float id = 1.0f / d;
    return __builtin_fabsf(id) <= FLT_MAX ? id : 0.0f;
}

// v truncated toward zero as int(v) does, but clamped to [lo, hi] first so
// that the conversion is always defined; NaN counts as 0.
inline int trunc_clamped(float v, int lo, int hi) {
    if (v != v) v = 0.0f;
    return int(v < float(lo) ? float(lo) : v > float(hi) ? float(hi) : v);
}

// roundf(v) (ties away from zero), clamped to [lo, hi]; NaN counts as 0.
inline int round_clamped(float v, int lo, int hi) { return trunc_clamped(std::roundf(v), lo, hi); }

// Bits shift .. shift + bits - 1 of *byte set to the low bits of v, the
// others kept (the set_level functions: one element's level in its block).
inline void put_bits(uint8_t *byte, int shift, int bits, int v) {
    const int mask = ((1 << bits) - 1) << shift;
    *byte = uint8_t((*byte & ~mask) | ((v << shift) & mask));
}

} // namespace
