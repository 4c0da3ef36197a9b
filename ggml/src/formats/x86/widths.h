// The vector widths of the x86 gemm kernels (x86/groups.h): ymm holds one
// row group (8 rows, a 32-bit lane each), zmm (AVX-512) two groups side by
// side, the second loaded from bx bytes after the first. The codecs are
// written once over these operations. Internal linkage only (see
// x86/common.h).
#pragma once

#include "formats/x86/common.h"

namespace {

struct ymm {
    static constexpr int GROUPS = 1;
    using iv = __m256i;
    using fv = __m256;

    // 32 bytes at x + off (one group)
    static iv load(const char *x, size_t, int off) {
        return _mm256_loadu_si256((const __m256i *)(x + off));
    }
    // 8 fp16 at x + off, as floats
    static fv load_f16(const char *x, size_t, int off) {
        return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + off)));
    }
    // 8 bytes at x + off, as floats
    static fv load_u8(const char *x, size_t, int off) {
        return _mm256_cvtepi32_ps(
            _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(x + off))));
    }
    // 8 uint16 at x + off, one a lane
    static iv load_u16(const char *x, size_t, int off) {
        return _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(x + off)));
    }
    static void store(float *s, fv v) { _mm256_storeu_ps(s, v); }

    static iv izero() { return _mm256_setzero_si256(); }
    static fv fzero() { return _mm256_setzero_ps(); }
    static fv fset1(float f) { return _mm256_set1_ps(f); }
    static iv set1_8(char c) { return _mm256_set1_epi8(c); }
    static iv set1_32(uint32_t v) { return _mm256_set1_epi32(int(v)); }
    // a 16-byte pattern in every 128-bit lane
    static iv bcast128(__m128i v) { return _mm256_broadcastsi128_si256(v); }
    // the 4 activation bytes of chunk c (elements 4c..4c+3) in every lane
    static iv chunk(const char *qs, int c) { return set1_32(load_u32(qs + 4 * c)); }

    static iv and_(iv a, iv b) { return _mm256_and_si256(a, b); }
    static iv or_(iv a, iv b) { return _mm256_or_si256(a, b); }
    static iv xor_(iv a, iv b) { return _mm256_xor_si256(a, b); }
    template <int N> static iv srli16(iv a) { return _mm256_srli_epi16(a, N); }
    template <int N> static iv slli16(iv a) { return _mm256_slli_epi16(a, N); }
    template <int N> static iv srai16(iv a) { return _mm256_srai_epi16(a, N); }
    template <int N> static iv slli32(iv a) { return _mm256_slli_epi32(a, N); }
    template <int N> static iv srli32(iv a) { return _mm256_srli_epi32(a, N); }
    template <int N> static iv srai32(iv a) { return _mm256_srai_epi32(a, N); }
    static iv shuffle8(iv a, iv idx) { return _mm256_shuffle_epi8(a, idx); }
    static iv sub8(iv a, iv b) { return _mm256_sub_epi8(a, b); }
    static iv add16(iv a, iv b) { return _mm256_add_epi16(a, b); }
    static iv add32(iv a, iv b) { return _mm256_add_epi32(a, b); }
    static iv sub32(iv a, iv b) { return _mm256_sub_epi32(a, b); }
    static iv mullo32(iv a, iv b) { return _mm256_mullo_epi32(a, b); }
    static iv abs8(iv a) { return _mm256_abs_epi8(a); }
    static iv sign8(iv a, iv b) { return _mm256_sign_epi8(a, b); }
    static iv maddubs(iv u, iv s) { return _mm256_maddubs_epi16(u, s); }
    static iv madd1(iv a) { return _mm256_madd_epi16(a, _mm256_set1_epi16(1)); }
    static iv madd(iv a, iv b) { return _mm256_madd_epi16(a, b); }
#if defined(__AVX512VNNI__)
    static iv dpbusd(iv acc, iv u, iv s) { return _mm256_dpbusd_epi32(acc, u, s); }
#endif
    // acc + madd(a, b), in one instruction where VNNI has it
    static iv madd_acc(iv acc, iv a, iv b) {
#if defined(__AVX512VNNI__)
        return _mm256_dpwssd_epi32(acc, a, b);
#else
        return add32(acc, madd(a, b));
#endif
    }
    // a + v in the bytes where sel & bit is set (bit: one bit per byte; v a
    // bit those bytes of a never have set, so that adding and OR agree)
    static iv add_where(iv a, iv sel, iv bit, char v) {
#if defined(__AVX512BW__)
        return _mm256_mask_add_epi8(a, _mm256_test_epi8_mask(sel, bit), a, set1_8(v));
#else
        const iv set = _mm256_cmpeq_epi8(_mm256_and_si256(sel, bit), bit);
        return _mm256_or_si256(a, _mm256_and_si256(set, set1_8(v)));
#endif
    }

    static fv cvt(iv a) { return _mm256_cvtepi32_ps(a); }
    static fv sub(fv a, fv b) { return _mm256_sub_ps(a, b); }
    static fv mul(fv a, fv b) { return _mm256_mul_ps(a, b); }
    static fv fma(fv a, fv b, fv c) { return _mm256_fmadd_ps(a, b, c); }
    static fv fnma(fv a, fv b, fv c) { return _mm256_fnmadd_ps(a, b, c); } // c - a * b
};

#if defined(__AVX512F__)
struct zmm {
    static constexpr int GROUPS = 2;
    using iv = __m512i;
    using fv = __m512;

    static iv load(const char *x, size_t bx, int off) {
        return _mm512_inserti64x4(_mm512_castsi256_si512(ymm::load(x, 0, off)),
                                  ymm::load(x + bx, 0, off), 1);
    }
    static fv combine(__m256 a, __m256 b) { // (without AVX512-DQ's insertf32x8)
        return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(a)),
                                                   _mm256_castps_pd(b), 1));
    }
    static fv load_f16(const char *x, size_t bx, int off) {
        return combine(ymm::load_f16(x, 0, off), ymm::load_f16(x + bx, 0, off));
    }
    static fv load_u8(const char *x, size_t bx, int off) {
        return combine(ymm::load_u8(x, 0, off), ymm::load_u8(x + bx, 0, off));
    }
    static iv load_u16(const char *x, size_t bx, int off) {
        return _mm512_inserti64x4(_mm512_castsi256_si512(ymm::load_u16(x, 0, off)),
                                  ymm::load_u16(x + bx, 0, off), 1);
    }
    static void store(float *s, fv v) { _mm512_storeu_ps(s, v); }

    static iv izero() { return _mm512_setzero_si512(); }
    static fv fzero() { return _mm512_setzero_ps(); }
    static fv fset1(float f) { return _mm512_set1_ps(f); }
    static iv set1_8(char c) { return _mm512_set1_epi8(c); }
    static iv set1_32(uint32_t v) { return _mm512_set1_epi32(int(v)); }
    static iv bcast128(__m128i v) { return _mm512_broadcast_i32x4(v); }
    static iv chunk(const char *qs, int c) { return set1_32(load_u32(qs + 4 * c)); }

    static iv and_(iv a, iv b) { return _mm512_and_si512(a, b); }
    static iv or_(iv a, iv b) { return _mm512_or_si512(a, b); }
    static iv xor_(iv a, iv b) { return _mm512_xor_si512(a, b); }
    template <int N> static iv srli16(iv a) { return _mm512_srli_epi16(a, N); }
    template <int N> static iv slli16(iv a) { return _mm512_slli_epi16(a, N); }
    template <int N> static iv srai16(iv a) { return _mm512_srai_epi16(a, N); }
    template <int N> static iv slli32(iv a) { return _mm512_slli_epi32(a, N); }
    template <int N> static iv srli32(iv a) { return _mm512_srli_epi32(a, N); }
    template <int N> static iv srai32(iv a) { return _mm512_srai_epi32(a, N); }
    static iv shuffle8(iv a, iv idx) { return _mm512_shuffle_epi8(a, idx); }
    static iv sub8(iv a, iv b) { return _mm512_sub_epi8(a, b); }
    static iv add16(iv a, iv b) { return _mm512_add_epi16(a, b); }
    static iv add32(iv a, iv b) { return _mm512_add_epi32(a, b); }
    static iv sub32(iv a, iv b) { return _mm512_sub_epi32(a, b); }
    static iv mullo32(iv a, iv b) { return _mm512_mullo_epi32(a, b); }
    static iv abs8(iv a) { return _mm512_abs_epi8(a); }
    // a with b's sign: negated where b < 0, 0 where b == 0 (no vpsignb here)
    static iv sign8(iv a, iv b) {
        const iv neg = _mm512_mask_sub_epi8(a, _mm512_movepi8_mask(b), izero(), a);
        return _mm512_maskz_mov_epi8(_mm512_test_epi8_mask(b, b), neg);
    }
    static iv maddubs(iv u, iv s) { return _mm512_maddubs_epi16(u, s); }
    static iv madd1(iv a) { return _mm512_madd_epi16(a, _mm512_set1_epi16(1)); }
    static iv madd(iv a, iv b) { return _mm512_madd_epi16(a, b); }
#if defined(__AVX512VNNI__)
    static iv dpbusd(iv acc, iv u, iv s) { return _mm512_dpbusd_epi32(acc, u, s); }
#endif
    // acc + madd(a, b), in one instruction where VNNI has it
    static iv madd_acc(iv acc, iv a, iv b) {
#if defined(__AVX512VNNI__)
        return _mm512_dpwssd_epi32(acc, a, b);
#else
        return add32(acc, madd(a, b));
#endif
    }
    static iv add_where(iv a, iv sel, iv bit, char v) {
        return _mm512_mask_add_epi8(a, _mm512_test_epi8_mask(sel, bit), a, set1_8(v));
    }

    static fv cvt(iv a) { return _mm512_cvtepi32_ps(a); }
    static fv sub(fv a, fv b) { return _mm512_sub_ps(a, b); }
    static fv mul(fv a, fv b) { return _mm512_mul_ps(a, b); }
    static fv fma(fv a, fv b, fv c) { return _mm512_fmadd_ps(a, b, c); }
    static fv fnma(fv a, fv b, fv c) { return _mm512_fnmadd_ps(a, b, c); }
};
#endif

} // namespace
