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
