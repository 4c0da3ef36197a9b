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
        const __m128i v = in_register(_mm_loadu_si128((const __m128i *)qs));
        const __m128i mask = _mm_set1_epi8(0x0f);
        return {_mm_and_si128(v, mask), _mm_and_si128(_mm_srli_epi16(v, 4), mask)};
    }

    // Q3_Z's q (0..7) from its bit planes (q3/blocks.h), in element order.
    static quants q3(const char *blk) {
        // ql[i] bits 2k..2k+1 = low bits of element 8k + i: ql in both
        // 64-bit lanes, the upper one shifted by 2 (crumbs 0 and 1, elements
        // 0..15), then both by 4 more (crumbs 2 and 3, elements 16..31)
        const __m128i ql = _mm_loadl_epi64((const __m128i *)(blk + 3));
        const __m128i lo01 = _mm_unpacklo_epi64(ql, _mm_srli_epi64(ql, 2));
        const __m128i three = _mm_set1_epi8(3);
        const __m128i lo0 = _mm_and_si128(lo01, three);
        const __m128i lo1 = _mm_and_si128(_mm_srli_epi64(lo01, 4), three);
        // qh[k] bit i = high bit of element 8k + i. Each element's byte
        // gets the qh byte holding its bit, masked to that bit, and
        // min(bit, 4) is the 4 to add. Bits 0 and 1 come from a copy of qh
        // shifted by 2 (bytes 4..7), so that every selected bit is >= 4.
        const uint64_t qh = load_u32(blk + 11);
        const __m128i h = _mm_cvtsi64_si128(int64_t(qh | qh << 34));
        const __m128i bit =
            _mm_setr_epi8(4, 8, 4, 8, 16, 32, 64, -128, 4, 8, 4, 8, 16, 32, 64, -128);
        const __m128i four = _mm_set1_epi8(4);
        const __m128i from0 = _mm_setr_epi8(4, 4, 0, 0, 0, 0, 0, 0, 5, 5, 1, 1, 1, 1, 1, 1);
        const __m128i from1 = _mm_setr_epi8(6, 6, 2, 2, 2, 2, 2, 2, 7, 7, 3, 3, 3, 3, 3, 3);
        const __m128i hi0 = _mm_min_epu8(_mm_and_si128(_mm_shuffle_epi8(h, from0), bit), four);
        const __m128i hi1 = _mm_min_epu8(_mm_and_si128(_mm_shuffle_epi8(h, from1), bit), four);
        return {_mm_or_si128(lo0, hi0), _mm_or_si128(lo1, hi1)};
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
    template <size_t XS>
    static __m128i dot4_q8(const quants ax[4], const char *xs, const int8_t *y) {
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
