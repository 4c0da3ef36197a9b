// Helpers of the AVX-512 kernel files, which are built twice: with
// AVX512-F/BW/VL, and with VNNI added (vpdpbusd), chosen at run time
// (dispatch.cpp). A block's 32 quants are one 256-bit vector; the
// accumulator and the float terms are the AVX2 ones (x86/tiles.h).
// Internal linkage only (see common.h).
#pragma once

#include "formats/x86/tiles.h"

// The name of a kernel table in this build of an AVX-512 file.
#if defined(__AVX512VNNI__)
#define GGML_AVX512_TABLE(f) f##_avx512_vnni
#else
#define GGML_AVX512_TABLE(f) f##_avx512
#endif

namespace {

// Sums of 4 consecutive products of unsigned by signed bytes, as 8 int32.
// The callers keep each pair of products within int16 (|u| <= 128,
// |s| <= 127), so both forms give the same exact sums.
inline __m256i dot_u8s8(__m256i u, __m256i s) {
#if defined(__AVX512VNNI__)
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s);
#else
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
#endif
}

// 4 vectors of 8 int32 -> their 4 totals.
inline __m128i reduce4_i32x8(__m256i p0, __m256i p1, __m256i p2, __m256i p3) {
    const __m256i a = _mm256_hadd_epi32(p0, p1); // per half: p0 p0 p1 p1
    const __m256i b = _mm256_hadd_epi32(p2, p3);
    const __m256i c = _mm256_hadd_epi32(a, b); // per half: p0 p1 p2 p3
    return _mm_add_epi32(_mm256_castsi256_si128(c), _mm256_extracti128_si256(c, 1));
}

// The accumulator side of an AVX-512 codec C: C::decode gives each row's
// 32 quants as unsigned bytes in w.q[r], C::dot_row their sums with the
// activation (default: dot_u8s8), C::term the float part.
template <class C> struct avx512_codec {
    using acc = __m128;
    static acc zero() { return _mm_setzero_ps(); }
    static void store(acc a, float out[4]) { _mm_storeu_ps(out, a); }
    template <class W> static __m256i dot_row(const W &w, const char *const *, int r, __m256i y) {
        return dot_u8s8(w.q[r], y);
    }
    template <class W>
    static acc step(acc a, const W &w, const char *const blk[4], const char *yq, act_meta m) {
        const __m256i y = _mm256_loadu_si256((const __m256i *)yq);
        __m256i p[4];
        for (int r = 0; r < 4; r++)
            p[r] = C::dot_row(w, blk, r, y);
        return _mm_add_ps(a, C::term(reduce4_i32x8(p[0], p[1], p[2], p[3]), w, m));
    }
};

} // namespace
