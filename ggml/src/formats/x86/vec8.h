// 8 floats in an AVX register: the vector policy of the float kernels
// written once for every level (float/attention.h), used by the AVX2 and
// AVX-512 builds. Internal linkage only (see x86/common.h).
#pragma once

#include "formats/x86/common.h"

namespace {

struct vec8 {
    using vec = __m256;
    static constexpr int width = 8;
    static vec zero() { return _mm256_setzero_ps(); }
    static vec set1(float f) { return _mm256_set1_ps(f); }
    static vec load(const float *p) { return _mm256_loadu_ps(p); }
    static vec load(const uint16_t *p) {
        return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
    }
    static void store(float *p, vec v) { _mm256_storeu_ps(p, v); }
    static vec add(vec a, vec b) { return _mm256_add_ps(a, b); }
    static vec sub(vec a, vec b) { return _mm256_sub_ps(a, b); }
    static vec div(vec a, vec b) { return _mm256_div_ps(a, b); }
    static vec mul(vec a, vec b) { return _mm256_mul_ps(a, b); }
    static vec fma(vec a, vec b, vec c) { return _mm256_fmadd_ps(a, b, c); }
    static float hmax(vec v) { return hmax_ps(v); }
    static float hsum(vec v) { return hsum_ps(v); }
    static vec first(int n) {
        return _mm256_castsi256_ps(
            _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
    }
    static vec select(vec mask, vec a, vec b) { return _mm256_blendv_ps(b, a, mask); }

    // e^x, within about 2 ulp, for x clamped to [-87.3, 88.3] (a normal
    // result): x = n ln2 + r, |r| <= ln2 / 2, e^r by Cephes' degree-5
    // polynomial, 2^n put into the exponent bits.
    static vec exp(vec x) {
        x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
        const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
        r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
        __m256 p = _mm256_set1_ps(1.9875691500e-4f);
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
        p = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
        const __m256i e =
            _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
        return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
    }
};

} // namespace
