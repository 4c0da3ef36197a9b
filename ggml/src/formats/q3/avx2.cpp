// AVX2 kernels of Q3_Z. A block's 3-bit values are rebuilt as bytes (0..7)
// from the two bit planes, then handled like Q4_Z's nibbles:
// sum((q - z) y) = sum(q y) - z sum(y).
#include "formats/kernels.h"
#include "formats/x86/tiles.h"

namespace {

// Elements 0..15 and 16..31 of a block, as bytes 0..7.
struct quants {
    __m128i lo, hi;
};

inline quants unpack_q3(const char *blk) {
    // ql[i] bits 2k..2k+1 = low bits of element 8k + i: with ql in both
    // 64-bit halves, shifting half h by 2k lines group k up at bit 0
    uint64_t ql_bits;
    std::memcpy(&ql_bits, blk + 3, sizeof ql_bits);
    const __m128i ql = _mm_set1_epi64x(int64_t(ql_bits));
    const __m128i three = _mm_set1_epi8(3);
    const __m128i lo = _mm_and_si128(_mm_srlv_epi64(ql, _mm_set_epi64x(2, 0)), three);
    const __m128i hi = _mm_and_si128(_mm_srlv_epi64(ql, _mm_set_epi64x(6, 4)), three);
    // qh[j / 8] bit j % 8 = high bit of element j: spread each qh byte over
    // its 8 elements, test the element's bit, and make it worth 4
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

struct q3_z_codec : sse_codec<q3_z_codec> {
    static constexpr size_t x_size = 15, y_size = 34, y_qs = 2;
    struct weights {
        quants q[4];
        __m128 d, z;
    };
    static act_meta act(const char *yb) { return q8_0_act_with_sum(yb); }
    static weights decode(const char *const blk[4]) {
        weights w;
        for (int r = 0; r < 4; r++)
            w.q[r] = unpack_q3(blk[r]);
        gather_d_z(blk, &w.d, &w.z);
        return w;
    }
    // maddubs lanes are at most 2 * 7 * 127: sums of four stay in int16
    static __m128i dot(const weights &w, const char *const *, __m128i ylo, __m128i yhi) {
        __m128i p[4];
        for (int r = 0; r < 4; r++)
            p[r] =
                _mm_add_epi16(_mm_maddubs_epi16(w.q[r].lo, ylo), _mm_maddubs_epi16(w.q[r].hi, yhi));
        return reduce4_i16(p[0], p[1], p[2], p[3]);
    }
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return zero_point_term(dot, w.d, w.z, a);
    }
};

} // namespace

namespace ggml {

const format_kernels q3_z_avx2{nullptr, vec_dot<q3_z_codec>, gemm<q3_z_codec>};

} // namespace ggml
