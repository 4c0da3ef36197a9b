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

    // Q3_Z's q (0..7) from its bit planes (q3/blocks.h).
    static quants q3(const char *blk) {
        // ql[i] bits 2k..2k+1 = low bits of element 8k + i: with ql in both
        // 64-bit halves, shifting half h by 2k lines group k up at bit 0
        uint64_t ql_bits;
        std::memcpy(&ql_bits, blk + 3, sizeof ql_bits);
        const __m128i ql = _mm_set1_epi64x(int64_t(ql_bits));
        const __m128i three = _mm_set1_epi8(3);
        const __m128i lo = _mm_and_si128(_mm_srlv_epi64(ql, _mm_set_epi64x(2, 0)), three);
        const __m128i hi = _mm_and_si128(_mm_srlv_epi64(ql, _mm_set_epi64x(6, 4)), three);
        // qh[j / 8] bit j % 8 = high bit of element j: spread each qh byte
        // over its 8 elements, test the element's bit, and make it worth 4
        const __m128i qh = _mm_loadu_si32(blk + 11);
        const __m128i bit = _mm_set1_epi64x(int64_t(0x8040201008040201));
        const __m128i four = _mm_set1_epi8(4);
        const __m128i h0 =
            _mm_shuffle_epi8(qh, _mm_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1));
        const __m128i h1 =
            _mm_shuffle_epi8(qh, _mm_setr_epi8(2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
        const __m128i set0 = _mm_cmpeq_epi8(_mm_and_si128(h0, bit), bit);
        const __m128i set1 = _mm_cmpeq_epi8(_mm_and_si128(h1, bit), bit);
        return {_mm_or_si128(lo, _mm_and_si128(set0, four)),
                _mm_or_si128(hi, _mm_and_si128(set1, four))};
    }

    // |x| of Q8_0's 32 signed quants (maddubs needs an unsigned operand).
    static quants abs_q8(const char *qs) {
        return {_mm_abs_epi8(_mm_loadu_si128((const __m128i *)qs)),
                _mm_abs_epi8(_mm_loadu_si128((const __m128i *)(qs + 16)))};
    }

    // sum(q * y) of 4 rows for quants q <= 15: each maddubs lane is at most
    // 2 * 15 * 127, so two of them and then a pair of those stay in int16.
    static __m128i dot_small(const quants q[4], const char *yq) {
        const __m128i ylo = _mm_loadu_si128((const __m128i *)yq);
        const __m128i yhi = _mm_loadu_si128((const __m128i *)(yq + 16));
        __m128i p[4];
        for (int r = 0; r < 4; r++)
            p[r] = _mm_add_epi16(_mm_maddubs_epi16(q[r].lo, ylo), _mm_maddubs_epi16(q[r].hi, yhi));
        return reduce4_i16(p[0], p[1], p[2], p[3]);
    }

    // sum(x * y) of 4 rows of signed Q8_0 quants: |x| (in ax) times y with
    // x's sign; y is never -128 (the quantizers produce -127..127). maddubs
    // lanes reach 2 * 128 * 127, so each is widened before adding.
    static __m128i dot_q8(const quants ax[4], const char *const qs[4], const char *yq) {
        const __m128i ylo = _mm_loadu_si128((const __m128i *)yq);
        const __m128i yhi = _mm_loadu_si128((const __m128i *)(yq + 16));
        const __m128i ones = _mm_set1_epi16(1);
        __m128i p[4];
        for (int r = 0; r < 4; r++) {
            const __m128i xlo = _mm_loadu_si128((const __m128i *)qs[r]);
            const __m128i xhi = _mm_loadu_si128((const __m128i *)(qs[r] + 16));
            const __m128i lo = _mm_maddubs_epi16(ax[r].lo, _mm_sign_epi8(ylo, xlo));
            const __m128i hi = _mm_maddubs_epi16(ax[r].hi, _mm_sign_epi8(yhi, xhi));
            p[r] = _mm_add_epi32(_mm_madd_epi16(lo, ones), _mm_madd_epi16(hi, ones));
        }
        return reduce4_i32(p[0], p[1], p[2], p[3]);
    }
};

} // namespace
