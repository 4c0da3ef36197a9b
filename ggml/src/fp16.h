// IEEE half precision <-> float, round to nearest even, portable. The SIMD
// kernels use F16C / NEON conversions, which round the same way.
#pragma once

#include <bit>
#include <cstdint>

namespace ggml {

inline float fp16_to_fp32(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000) << 16;
    const uint32_t exp = (h >> 10) & 0x1f;
    const uint32_t mant = h & 0x3ff;
    if (exp == 0x1f) return std::bit_cast<float>(sign | 0x7f800000 | (mant << 13));
    if (exp == 0) {
        // zero or subnormal: mant * 2^-24, exact in float
        const float v = float(mant) * 0x1p-24f;
        return sign ? -v : v;
    }
    return std::bit_cast<float>(sign | ((exp + 112) << 23) | (mant << 13));
}

inline uint16_t fp32_to_fp16(float f) {
    const uint32_t x = std::bit_cast<uint32_t>(f);
    const uint16_t sign = uint16_t((x >> 16) & 0x8000);
    const uint32_t a = x & 0x7fffffff;
    if (a > 0x7f800000) return sign | 0x7e00;  // NaN stays a (quiet) NaN
    if (a >= 0x47800000) return sign | 0x7c00; // >= 65536 (or inf): inf
    const int e = int(a >> 23) - 127;
    if (e >= -14) {
        // normal half: keep 10 mantissa bits, round the 13 dropped ones; a
        // carry out of the mantissa correctly bumps the exponent (up to inf)
        uint32_t h = (uint32_t(e + 15) << 10) | ((a & 0x7fffff) >> 13);
        const uint32_t rest = a & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) h++;
        return uint16_t(sign | h);
    }
    if (e < -25) return sign; // below half the smallest subnormal
    // subnormal half: value / 2^-24 = significand >> (-(e + 1))
    const uint32_t sig = (a & 0x7fffff) | 0x800000;
    const int shift = -(e + 1); // 14..24
    uint32_t m = sig >> shift;
    const uint32_t rest = sig & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rest > half || (rest == half && (m & 1))) m++;
    return uint16_t(sign | m);
}

} // namespace ggml
