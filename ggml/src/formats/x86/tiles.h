// The x86 side of the quantized dot products (formats/tiles.h): the
// accumulator of 4 weight rows and the helpers the codecs share.
//
// Internal linkage only (see common.h).
#pragma once

#include "formats/tiles.h"
#include "formats/x86/common.h"

namespace {

// 4 vectors of 8 int16 partial sums (each pair of lanes summing within
// int16) -> their 4 totals as int32.
inline __m128i reduce4_i16(__m128i p0, __m128i p1, __m128i p2, __m128i p3) {
    const __m128i ones = _mm_set1_epi16(1);
    const __m128i a = _mm_madd_epi16(
        _mm_add_epi16(_mm_unpacklo_epi64(p0, p1), _mm_unpackhi_epi64(p0, p1)), ones);
    const __m128i b = _mm_madd_epi16(
        _mm_add_epi16(_mm_unpacklo_epi64(p2, p3), _mm_unpackhi_epi64(p2, p3)), ones);
    // a = [p0 p0 p1 p1], b = [p2 p2 p3 p3]: add the even and odd lanes
    const __m128 af = _mm_castsi128_ps(a), bf = _mm_castsi128_ps(b);
    return _mm_add_epi32(_mm_castps_si128(_mm_shuffle_ps(af, bf, _MM_SHUFFLE(2, 0, 2, 0))),
                         _mm_castps_si128(_mm_shuffle_ps(af, bf, _MM_SHUFFLE(3, 1, 3, 1))));
}

// 4 vectors of 4 int32 -> their 4 totals.
inline __m128i reduce4_i32(__m128i p0, __m128i p1, __m128i p2, __m128i p3) {
    const __m128i a = _mm_add_epi32(_mm_unpacklo_epi32(p0, p1), _mm_unpackhi_epi32(p0, p1));
    const __m128i b = _mm_add_epi32(_mm_unpacklo_epi32(p2, p3), _mm_unpackhi_epi32(p2, p3));
    return _mm_add_epi32(_mm_unpacklo_epi64(a, b), _mm_unpackhi_epi64(a, b));
}

// The first 4 bytes of each of 4 rows' blocks as the 4 lanes of a vector
// (where the blocks keep d, and z or m).
inline __m128i gather_heads(const char *const p[4]) {
    const __m128i r01 = _mm_unpacklo_epi32(_mm_loadu_si32(p[0]), _mm_loadu_si32(p[1]));
    const __m128i r23 = _mm_unpacklo_epi32(_mm_loadu_si32(p[2]), _mm_loadu_si32(p[3]));
    return _mm_unpacklo_epi64(r01, r23);
}

// The fp16 in the low half of each lane, as floats.
inline __m128 low_halves_to_f32(__m128i heads) {
    const __m128i d16 = _mm_shuffle_epi8(
        heads, _mm_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1));
    return _mm_cvtph_ps(d16);
}

// d (fp16 at byte 0) of 4 rows' blocks; and z (byte 2) for Q4_Z and Q3_Z.
inline __m128 gather_d(const char *const blk[4]) { return low_halves_to_f32(gather_heads(blk)); }
inline void gather_d_z(const char *const blk[4], __m128 *d, __m128 *z) {
    const __m128i heads = gather_heads(blk); // d (2 bytes), z, first quants
    *d = low_halves_to_f32(heads);
    *z = _mm_cvtepi32_ps(_mm_and_si128(_mm_srli_epi32(heads, 16), _mm_set1_epi32(0xff)));
}

// The reference's per-block float operations for 4 rows, from the exact
// integer sums: sum += float(sumi) * (dx * dy).
inline __m128 scaled(__m128 sumi, __m128 d, float dy) {
    return _mm_mul_ps(sumi, _mm_mul_ps(d, _mm_set1_ps(dy)));
}
// Zero-point formats sum q * y with unsigned q: sumi = dot - z * sum(y),
// integers below 2^24 throughout, so exact in float.
inline __m128 zero_point_term(__m128i dot, __m128 d, __m128 z, act_meta a) {
    return scaled(_mm_fnmadd_ps(z, _mm_set1_ps(a.aux), _mm_cvtepi32_ps(dot)), d, a.d);
}
// Q4_1: + m * s, Q8_1's s = dy * sum(y).
inline __m128 min_term(__m128i dot, __m128 d, __m128 m, act_meta a) {
    return _mm_add_ps(scaled(_mm_cvtepi32_ps(dot), d, a.d), _mm_mul_ps(m, _mm_set1_ps(a.aux)));
}
// Q4_1's d and m (fp16 at bytes 0 and 2) of 4 rows' blocks.
inline void gather_d_m(const char *const blk[4], __m128 *d, __m128 *m) {
    const __m256 dm = _mm256_cvtph_ps(gather_heads(blk)); // d0 m0 d1 m1 d2 m2 d3 m3
    const __m128 lo = _mm256_castps256_ps128(dm), hi = _mm256_extractf128_ps(dm, 1);
    *d = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
    *m = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
}

// The sum of 32 activation quants, the zero-point formats' act_meta::aux.
inline act_meta q8_0_act_with_sum(const char *yb) {
    return {fp16_to_f32(load_u16(yb)), float(hsum_i8(_mm256_loadu_si256((const __m256i *)(yb + 2))))};
}

// The accumulator side of an x86 codec C: 4 float lanes, one per weight
// row; a step adds C::term of C::dot for one activation block.
template <class C>
struct sse_codec {
    using acc = __m128;
    static acc zero() { return _mm_setzero_ps(); }
    static void store(acc a, float out[4]) { _mm_storeu_ps(out, a); }
    template <class W>
    static acc step(acc a, const W &w, const char *const blk[4], const char *yq, act_meta m) {
        const __m128i dot = C::dot(w, blk, _mm_loadu_si128((const __m128i *)yq),
                                   _mm_loadu_si128((const __m128i *)(yq + 16)));
        return _mm_add_ps(a, C::term(dot, w, m));
    }
};

} // namespace
