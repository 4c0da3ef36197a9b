// The x86 side of the quantized dot products (formats/tiles.h): the
// accumulators of 4 partial sums, the reductions of a quad's products to
// its 4 block sums, and what the codecs share.
//
// Internal linkage only (see common.h).
#pragma once

#include "formats/tiles.h"
#include "formats/x86/common.h"

namespace {

// 4 blocks' vectors of 8 int16 partial sums -> the 4 block totals as int32.
// Every partial is at most 4 products of a quant <= 15 and a |y| <= 127
// (7620), so the two levels added in int16 (4 partials each, 30480) cannot
// overflow before madd widens the last pair.
inline __m128i reduce_blocks4_i16(const __m128i p[4]) {
    // [a0+a4 .. a3+a7, b0+b4 .. b3+b7], the same for c and d
    const __m128i ab =
        _mm_add_epi16(_mm_unpacklo_epi64(p[0], p[1]), _mm_unpackhi_epi64(p[0], p[1]));
    const __m128i cd =
        _mm_add_epi16(_mm_unpacklo_epi64(p[2], p[3]), _mm_unpackhi_epi64(p[2], p[3]));
    // dwords (pairs of int16) 0 and 2 of each plus 1 and 3: each block's two
    // remaining partials side by side, then one madd adds them
    const __m128 abf = _mm_castsi128_ps(ab), cdf = _mm_castsi128_ps(cd);
    const __m128i even = _mm_castps_si128(_mm_shuffle_ps(abf, cdf, _MM_SHUFFLE(2, 0, 2, 0)));
    const __m128i odd = _mm_castps_si128(_mm_shuffle_ps(abf, cdf, _MM_SHUFFLE(3, 1, 3, 1)));
    return _mm_madd_epi16(_mm_add_epi16(even, odd), _mm_set1_epi16(1));
}

// 4 vectors of 4 int32 -> their 4 totals.
inline __m128i reduce4_i32(__m128i p0, __m128i p1, __m128i p2, __m128i p3) {
    const __m128i a = _mm_add_epi32(_mm_unpacklo_epi32(p0, p1), _mm_unpackhi_epi32(p0, p1));
    const __m128i b = _mm_add_epi32(_mm_unpacklo_epi32(p2, p3), _mm_unpackhi_epi32(p2, p3));
    return _mm_add_epi32(_mm_unpacklo_epi64(a, b), _mm_unpackhi_epi64(a, b));
}

// The heads (d, and z or m) of a quad's blocks (XS bytes apart) are
// gathered with element inserts from memory: one instruction each, where
// assembling them in integer registers takes three.

// d (fp16 at byte 0) of 4 blocks, as floats.
template <size_t XS> inline __m128 gather_d(const char *x) {
    __m128i h = _mm_loadu_si32(x); // d0 and two bytes that the inserts replace
    h = _mm_insert_epi16(h, load_u16(x + XS), 1);
    h = _mm_insert_epi16(h, load_u16(x + 2 * XS), 2);
    h = _mm_insert_epi16(h, load_u16(x + 3 * XS), 3);
    return _mm_cvtph_ps(h);
}

// The first 4 bytes of 4 blocks as dwords.
template <size_t XS> inline __m128i gather_heads(const char *x) {
    __m128i h = _mm_loadu_si32(x);
    h = _mm_insert_epi32(h, int(load_u32(x + XS)), 1);
    h = _mm_insert_epi32(h, int(load_u32(x + 2 * XS)), 2);
    return _mm_insert_epi32(h, int(load_u32(x + 3 * XS)), 3);
}

// The fp16 in bytes 0..1 (d) or 2..3 (Q4_1's m) of each head, as floats.
inline __m128 head_f16(__m128i heads, int off) {
    const __m128i lo = _mm_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1);
    return _mm_cvtph_ps(_mm_shuffle_epi8(heads, _mm_add_epi8(lo, _mm_set1_epi8(char(off)))));
}

// Byte 2 of each head (z), as floats.
inline __m128 head_z(__m128i heads) {
    const __m128i z = _mm_setr_epi8(2, -1, -1, -1, 6, -1, -1, -1, 10, -1, -1, -1, 14, -1, -1, -1);
    return _mm_cvtepi32_ps(_mm_shuffle_epi8(heads, z));
}

// partials + float(sumi) * (dx * dy) with one rounding, for a quad; dx * dy
// is exact (two fp16 significands).
inline __m128 add_scaled(__m128 acc, __m128 sumi, __m128 dx, const float *dy) {
    return _mm_fmadd_ps(sumi, _mm_mul_ps(dx, _mm_loadu_ps(dy)), acc);
}

// The sum of 32 activation quants, the zero-point formats' act_meta::aux.
inline act_meta q8_0_act_with_sum(const char *yb) {
    return {fp16_to_f32(load_u16(yb)),
            float(hsum_i8(_mm256_loadu_si256((const __m256i *)(yb + 2))))};
}

// Copies an activation block's 32 quants unchanged.
inline void copy_quants(const char *qs, int8_t *q) { std::memcpy(q, qs, QK); }

// The accumulator side of an x86 codec C over an instruction-set policy
// Isa (x86/avx2.h, x86/avx512.h), which holds a block's quants as
// Isa::quants and takes a quad's dot products with its activation blocks.
// C provides decode and term; its dot defaults to Isa::dot4_small, for
// quants of at most 4 bits.
template <class C, class Isa> struct x86_codec {
    using acc = __m128; // 4 partial sums
    static acc zero() { return _mm_setzero_ps(); }
    // dot_partials::total of partials 0..3 in a0 and 4..7 in a1
    static float total(acc a0, acc a1) {
        __m128 s = _mm_add_ps(a0, a1);
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
    }
    template <class W> static __m128i dot(const W &w, const int8_t *y) {
        return Isa::dot4_small(w.q, y);
    }
    template <class W>
    static acc step(acc a, const W &w, const int8_t *y, const float *dy, const float *aux) {
        return C::term(a, _mm_cvtepi32_ps(C::dot(w, y)), w, dy, aux);
    }
};

// value = d * (q - z), z at byte 2 (Q4_Z, Q3_Z): unsigned q from
// Unpack::quants(block), in element order, sum((q - z) y) = sum(q y) -
// z sum(y), integers below 2^24 throughout, so exact in float. (Unpack is a
// class: a function pointer returning a vector type would lose its
// attributes as a template argument.)
template <class Isa, size_t XS, class Unpack>
struct zero_point_codec : x86_codec<zero_point_codec<Isa, XS, Unpack>, Isa> {
    static constexpr size_t x_size = XS, y_size = 34;
    struct weights {
        typename Isa::quants q[4];
        __m128 d, z;
    };
    static act_meta act(const char *yb, int8_t *q) {
        copy_quants(yb + 2, q);
        return q8_0_act_with_sum(yb);
    }
    static weights decode(const char *x) {
        weights w;
        for (int k = 0; k < 4; k++) w.q[k] = Unpack::quants(x + k * XS);
        const __m128i heads = gather_heads<XS>(x);
        w.d = head_f16(heads, 0);
        w.z = head_z(heads);
        return w;
    }
    static __m128 term(__m128 acc, __m128 dot, const weights &w, const float *dy,
                       const float *aux) {
        return add_scaled(acc, _mm_fnmadd_ps(w.z, _mm_loadu_ps(aux), dot), w.d, dy);
    }
};

} // namespace
