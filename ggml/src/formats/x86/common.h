// Helpers shared by the x86 kernel files (avx2.cpp, avx512.cpp of each
// format family). Everything here has internal linkage on purpose: each
// kernel file is compiled with its own -m flags, and an inline function with
// external linkage would let the linker keep one file's copy for all of them
// (AVX-512 code reached on an AVX2-only CPU). For the same reason kernel
// files use no std:: templates.
#pragma once

#include "formats/quant_math.h"

#include <immintrin.h>

// The name of a kernel table in this build of an x86 kernel file, which is
// built for AVX2 and for AVX-512 with and without VNNI.
#if defined(__AVX512VNNI__)
#define GGML_X86_TABLE(f) f##_avx512_vnni
#elif defined(__AVX512F__)
#define GGML_X86_TABLE(f) f##_avx512
#else
#define GGML_X86_TABLE(f) f##_avx2
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

inline float fp16_to_f32(uint16_t h) { return _cvtsh_ss(h); }
// Round to nearest even, as the reference's fp32_to_fp16 (for finite values).
inline uint16_t f32_to_fp16(float f) { return uint16_t(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT)); }

inline uint16_t load_u16(const void *p) {
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline uint32_t load_u32(const void *p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline int64_t min_i64(int64_t a, int64_t b) { return a < b ? a : b; }

// v, kept in a register: GCC would fold a second read of its memory into
// the next operation that uses it, and on Zen1 the two load ports are one
// of the limits of a block's decode (measured: Q4 matrix-vector products 3
// to 5 % faster with one load of the nibbles per block).
inline __m128i in_register(__m128i v) {
    __asm__("" : "+x"(v));
    return v;
}

// C's roundf (ties away from zero) of 8 floats, exactly: v - trunc(v) is
// exact, so comparing it with 0.5 decides the rounding as roundf does.
inline __m256 roundf_ps(__m256 v) {
    const __m256 t = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 sign = _mm256_and_ps(v, _mm256_set1_ps(-0.0f));
    const __m256 frac = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), _mm256_sub_ps(v, t));
    const __m256 up = _mm256_cmp_ps(frac, _mm256_set1_ps(0.5f), _CMP_GE_OQ);
    return _mm256_add_ps(t, _mm256_and_ps(up, _mm256_or_ps(sign, _mm256_set1_ps(1.0f))));
}

inline float hmax_ps(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

inline float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// 32 int32 in four vectors -> 32 int8 in order (values already in range).
inline __m256i pack_i32_to_i8(__m256i a, __m256i b, __m256i c, __m256i d) {
    const __m256i ab = _mm256_packs_epi32(a, b); // per 128-bit lane: a0 b0 a1 b1
    const __m256i cd = _mm256_packs_epi32(c, d);
    const __m256i abcd = _mm256_packs_epi16(ab, cd); // a0 b0 c0 d0 a1 b1 c1 d1 (dwords)
    return _mm256_permutevar8x32_epi32(abcd, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

// One Q8 block (32 floats): the scale d = amax / 127 as the reference
// computes it, and the 32 quants roundf(x * (1/d)) as int8.
struct q8_block {
    float d;
    __m256i qs;
};

inline q8_block quantize_q8_block(const float *x) {
    __m256 v[4];
    __m256 amax = _mm256_setzero_ps();
    for (int i = 0; i < 4; i++) {
        v[i] = _mm256_loadu_ps(x + 8 * i);
        amax = _mm256_max_ps(amax, _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v[i]));
    }
    const float d = hmax_ps(amax) / 127.0f;
    const __m256 id = _mm256_set1_ps(inverse_scale(d));
    __m256i q[4];
    for (int i = 0; i < 4; i++) q[i] = _mm256_cvtps_epi32(roundf_ps(_mm256_mul_ps(v[i], id)));
    return {d, pack_i32_to_i8(q[0], q[1], q[2], q[3])};
}

// Sum of 32 int8.
inline int hsum_i8(__m256i q) {
    const __m256i s16 = _mm256_maddubs_epi16(_mm256_set1_epi8(1), q);
    const __m256i s32 = _mm256_madd_epi16(s16, _mm256_set1_epi16(1));
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(s32), _mm256_extracti128_si256(s32, 1));
    s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 1));
    return _mm_cvtsi128_si32(s);
}

} // namespace
