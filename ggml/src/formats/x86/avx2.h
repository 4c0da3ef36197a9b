// The AVX2 policy of the x86 codecs (x86/tiles.h): a block's 32 quants as
// two 128-bit halves (elements 0..15, 16..31). Zen1 splits 256-bit
// operations in two anyway, and halves reduce without lane crossing.
// Internal linkage only (see common.h).
#pragma once

#include "formats/x86/tiles.h"

namespace {

struct avx2_isa {
    struct quants {
        __m128i lo, hi;
    };

    // Q4: qs[i] holds element i in its low nibble, i + 16 in its high one.
    static quants nibbles(const char *qs) {
        const __m128i v = _mm_loadu_si128((const __m128i *)qs);
        const __m128i mask = _mm_set1_epi8(0x0f);
        return {_mm_and_si128(v, mask), _mm_and_si128(_mm_srli_epi16(v, 4), mask)};
    }

    // Q3_Z's q (0..7) from its bit planes (q3/blocks.h), element 8k + i
    // (k < 4, i < 8) in dword k, byte i % 4 of half i / 4: the order that
    // 32-bit variable shifts give both planes with the fewest operations
    // (q3_act_quants puts the activations in the same order).
    static quants q3(const char *blk) {
        // ql[i] bits 2k..2k+1 = low bits of element 8k + i: ql[0..3] (then
        // ql[4..7]) in every dword, dword k shifted by 2k
        const __m128i by_k = _mm_setr_epi32(0, 2, 4, 6), three = _mm_set1_epi8(3);
        const __m128i lo0 = _mm_and_si128(_mm_srlv_epi32(_mm_set1_epi32(int(load_u32(blk + 3))), by_k), three);
        const __m128i lo1 = _mm_and_si128(_mm_srlv_epi32(_mm_set1_epi32(int(load_u32(blk + 7))), by_k), three);
        // qh[k] bit i = high bit of element 8k + i: qh in every dword, dword
        // j shifted left so that byte k's bit 7 is bit j (then j + 4) of
        // qh[k]; that is byte k of dword i where the low bits have byte i of
        // dword k, so a transposing shuffle lines them up, and blendv takes
        // bit 7 as it is
        const __m128i qh = _mm_set1_epi32(int(load_u32(blk + 11)));
        const __m128i transpose =
            _mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
        const __m128i hi0 = _mm_shuffle_epi8(_mm_sllv_epi32(qh, _mm_setr_epi32(7, 6, 5, 4)), transpose);
        const __m128i hi1 = _mm_shuffle_epi8(_mm_sllv_epi32(qh, _mm_setr_epi32(3, 2, 1, 0)), transpose);
        const __m128i four = _mm_set1_epi8(4);
        return {_mm_blendv_epi8(lo0, _mm_or_si128(lo0, four), hi0),
                _mm_blendv_epi8(lo1, _mm_or_si128(lo1, four), hi1)};
    }

    // An activation block's quants in q3's order: elements 8k + i for
    // i < 4, then for i >= 4.
    static void q3_act_quants(const char *qs, int8_t *q) {
        const __m128i order = _mm_setr_epi8(0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15);
        const __m128i a = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)qs), order);
        const __m128i b = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(qs + 16)), order);
        _mm_storeu_si128((__m128i *)q, _mm_unpacklo_epi64(a, b));
        _mm_storeu_si128((__m128i *)(q + 16), _mm_unpackhi_epi64(a, b));
    }

    // |x| of Q8_0's 32 signed quants (maddubs needs an unsigned operand).
    static quants abs_q8(const char *qs) {
        return {_mm_abs_epi8(_mm_loadu_si128((const __m128i *)qs)),
                _mm_abs_epi8(_mm_loadu_si128((const __m128i *)(qs + 16)))};
    }

    // sum(q * y) of a quad's blocks for quants q <= 15 against its
    // activation quants y (32 per block): maddubs lanes are at most
    // 2 * 15 * 127, so two of them stay in int16 (see reduce_blocks4_i16).
    static __m128i dot4_small(const quants q[4], const int8_t *y) {
        __m128i p[4];
        for (int k = 0; k < 4; k++) {
            const __m128i ylo = _mm_loadu_si128((const __m128i *)(y + k * QK));
            const __m128i yhi = _mm_loadu_si128((const __m128i *)(y + k * QK + 16));
            p[k] = _mm_add_epi16(_mm_maddubs_epi16(q[k].lo, ylo), _mm_maddubs_epi16(q[k].hi, yhi));
        }
        return reduce_blocks4_i16(p);
    }

    // sum(x * y) of a quad's blocks of signed Q8_0 quants xs (XS bytes
    // apart): |x| (in ax) times y with x's sign; y is never -128 (the
    // quantizers produce -127..127). maddubs lanes reach 2 * 128 * 127, so
    // each is widened before adding.
    template <size_t XS> static __m128i dot4_q8(const quants ax[4], const char *xs, const int8_t *y) {
        const __m128i ones = _mm_set1_epi16(1);
        __m128i p[4];
        for (int k = 0; k < 4; k++) {
            const __m128i ylo = _mm_loadu_si128((const __m128i *)(y + k * QK));
            const __m128i yhi = _mm_loadu_si128((const __m128i *)(y + k * QK + 16));
            const __m128i xlo = _mm_loadu_si128((const __m128i *)(xs + k * XS));
            const __m128i xhi = _mm_loadu_si128((const __m128i *)(xs + k * XS + 16));
            const __m128i lo = _mm_maddubs_epi16(ax[k].lo, _mm_sign_epi8(ylo, xlo));
            const __m128i hi = _mm_maddubs_epi16(ax[k].hi, _mm_sign_epi8(yhi, xhi));
            p[k] = _mm_add_epi32(_mm_madd_epi16(lo, ones), _mm_madd_epi16(hi, ones));
        }
        return reduce4_i32(p[0], p[1], p[2], p[3]);
    }
};

} // namespace
