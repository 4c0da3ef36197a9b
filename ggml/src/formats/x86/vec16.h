// 16 floats in an AVX-512 register: the vector policy of float/attention.h
// for the AVX-512 build (x86/vec8.h is the AVX2 one; exp is the same
// polynomial). Internal linkage only (see x86/common.h).
#pragma once

#include "formats/x86/common.h"

namespace {

struct vec16 {
    using vec = __m512;
    static constexpr int width = 16;
    static vec zero() { return _mm512_setzero_ps(); }
    static vec set1(float f) { return _mm512_set1_ps(f); }
    static vec load(const float *p) { return _mm512_loadu_ps(p); }
    static vec load(const uint16_t *p) {
        return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
    }
    static void store(float *p, vec v) { _mm512_storeu_ps(p, v); }
    static vec add(vec a, vec b) { return _mm512_add_ps(a, b); }
    static vec mul(vec a, vec b) { return _mm512_mul_ps(a, b); }
    static vec fma(vec a, vec b, vec c) { return _mm512_fmadd_ps(a, b, c); }
    static float hmax(vec v) { return _mm512_reduce_max_ps(v); }
    static float hsum(vec v) { return _mm512_reduce_add_ps(v); }
    static __mmask16 first(int n) { return n <= 0 ? 0 : __mmask16((1u << n) - 1); }
    static vec select(__mmask16 mask, vec a, vec b) { return _mm512_mask_blend_ps(mask, b, a); }

    // e^x as x86/vec8.h computes it, 16 lanes at a time
    static vec exp(vec x) {
        x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.3f));
        const __m512 n =
            _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
        r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
        __m512 p = _mm512_set1_ps(1.9875691500e-4f);
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
        p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
        const __m512i e =
            _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
        return _mm512_mul_ps(p, _mm512_castsi512_ps(e));
    }
};

} // namespace
