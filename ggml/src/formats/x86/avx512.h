// The AVX-512 side of the kernel files, which are built twice: with
// AVX512-F/BW/VL, and with VNNI added (vpdpbusd), chosen at run time
// (dispatch.cpp). The accumulator and float terms are the AVX2 ones.
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

// 4 blocks' vectors of 8 int32 -> their 4 totals.
inline __m128i reduce4_i32x8(__m256i p0, __m256i p1, __m256i p2, __m256i p3) {
    const __m256i a = _mm256_hadd_epi32(p0, p1); // per half: p0 p0 p1 p1
    const __m256i b = _mm256_hadd_epi32(p2, p3);
    const __m256i c = _mm256_hadd_epi32(a, b); // per half: p0 p1 p2 p3
    return _mm_add_epi32(_mm256_castsi256_si128(c), _mm256_extracti128_si256(c, 1));
}

// The AVX-512 policy of the x86 codecs (x86/tiles.h): a block's 32 quants
// as one 256-bit vector.
struct avx512_isa {
    using quants = __m256i;

    // Q4: elements 0..15 from the low nibbles, then 16..31 from the high ones.
    static quants nibbles(const char *qs) {
        const __m128i v = _mm_loadu_si128((const __m128i *)qs);
        const __m128i mask = _mm_set1_epi8(0x0f);
        return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_and_si128(v, mask)),
                                       _mm_and_si128(_mm_srli_epi16(v, 4), mask), 1);
    }

    // Q3_Z's q (0..7): the high-bit plane qh is a 32-bit lane mask, so adding
    // 4 under it rebuilds q in one masked add.
    static quants q3(const char *blk) {
        // ql[i] bits 2k..2k+1 = low bits of element 8k + i: ql in all four
        // 64-bit lanes, lane k shifted by 2k
        uint64_t ql;
        std::memcpy(&ql, blk + 3, sizeof ql);
        const __m256i lo = _mm256_and_si256(
            _mm256_srlv_epi64(_mm256_set1_epi64x(int64_t(ql)), _mm256_setr_epi64x(0, 2, 4, 6)),
            _mm256_set1_epi8(3));
        uint32_t qh;
        std::memcpy(&qh, blk + 11, sizeof qh);
        return _mm256_mask_add_epi8(lo, __mmask32(qh), lo, _mm256_set1_epi8(4));
    }

    // |x| of Q8_0's 32 signed quants (the unsigned operand of the dot).
    static quants abs_q8(const char *qs) {
        return _mm256_abs_epi8(_mm256_loadu_si256((const __m256i *)qs));
    }

    // sum(q * y) of a quad's blocks for quants q <= 15 against its
    // activation quants y (32 per block).
    static __m128i dot4_small(const quants q[4], const int8_t *y) {
        __m256i p[4];
        for (int k = 0; k < 4; k++)
            p[k] = dot_u8s8(q[k], _mm256_loadu_si256((const __m256i *)(y + k * QK)));
        return reduce4_i32x8(p[0], p[1], p[2], p[3]);
    }

    // sum(x * y) of a quad's blocks of signed Q8_0 quants xs (XS bytes
    // apart): |x| (in ax) times y with x's sign (y is never -128).
    template <size_t XS>
    static __m128i dot4_q8(const quants ax[4], const char *xs, const int8_t *y) {
        __m256i p[4];
        for (int k = 0; k < 4; k++) {
            const __m256i yk = _mm256_loadu_si256((const __m256i *)(y + k * QK));
            const __m256i xk = _mm256_loadu_si256((const __m256i *)(xs + k * XS));
            p[k] = dot_u8s8(ax[k], _mm256_sign_epi8(yk, xk));
        }
        return reduce4_i32x8(p[0], p[1], p[2], p[3]);
    }
};

} // namespace
