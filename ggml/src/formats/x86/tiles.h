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
    const __m128i a =
        _mm_madd_epi16(_mm_add_epi16(_mm_unpacklo_epi64(p0, p1), _mm_unpackhi_epi64(p0, p1)), ones);
    const __m128i b =
        _mm_madd_epi16(_mm_add_epi16(_mm_unpacklo_epi64(p2, p3), _mm_unpackhi_epi64(p2, p3)), ones);
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

// The heads (d, and z or m) of 4 rows' blocks are gathered in integer
// registers: the vector shuffle pipes are the busiest ones in the kernels
// (Zen1 has two, shared with the shifts), the integer ALUs are idle.
inline uint32_t load_head(const char *p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// d (fp16 at byte 0) of 4 rows' blocks.
inline __m128 gather_d(const char *const blk[4]) {
    uint64_t d16 = 0;
    for (int r = 0; r < 4; r++)
        d16 |= uint64_t(load_u16(blk[r])) << (16 * r);
    return _mm_cvtph_ps(_mm_cvtsi64_si128(int64_t(d16)));
}

// d and z (byte 2) of 4 rows' blocks, for Q4_Z and Q3_Z.
inline void gather_d_z(const char *const blk[4], __m128 *d, __m128 *z) {
    uint64_t d16 = 0;
    uint32_t z8 = 0;
    for (int r = 0; r < 4; r++) {
        const uint32_t head = load_head(blk[r]);
        d16 |= uint64_t(head & 0xffff) << (16 * r);
        z8 |= ((head >> 16) & 0xff) << (8 * r);
    }
    *d = _mm_cvtph_ps(_mm_cvtsi64_si128(int64_t(d16)));
    *z = _mm_cvtepi32_ps(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(int(z8))));
}

// Q4_1's d and m (fp16 at bytes 0 and 2) of 4 rows' blocks.
inline void gather_d_m(const char *const blk[4], __m128 *d, __m128 *m) {
    uint64_t d16 = 0, m16 = 0;
    for (int r = 0; r < 4; r++) {
        const uint32_t head = load_head(blk[r]);
        d16 |= uint64_t(head & 0xffff) << (16 * r);
        m16 |= uint64_t(head >> 16) << (16 * r);
    }
    *d = _mm_cvtph_ps(_mm_cvtsi64_si128(int64_t(d16)));
    *m = _mm_cvtph_ps(_mm_cvtsi64_si128(int64_t(m16)));
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

// The sum of 32 activation quants, the zero-point formats' act_meta::aux.
inline act_meta q8_0_act_with_sum(const char *yb) {
    return {fp16_to_f32(load_u16(yb)),
            float(hsum_i8(_mm256_loadu_si256((const __m256i *)(yb + 2))))};
}

// The accumulator side of an x86 codec C over an instruction-set policy
// Isa (x86/avx2.h, x86/avx512.h), which holds a block's quants as
// Isa::quants and takes their dot products with an activation block. C
// provides decode and term; its dot defaults to Isa::dot_small, for quants
// of at most 4 bits.
template <class C, class Isa>
struct x86_codec {
    using acc = __m128;
    static acc zero() { return _mm_setzero_ps(); }
    static void store(acc a, float out[4]) { _mm_storeu_ps(out, a); }
    template <class W>
    static __m128i dot(const W &w, const char *const *, const char *yq) {
        return Isa::dot_small(w.q, yq);
    }
    template <class W>
    static acc step(acc a, const W &w, const char *const blk[4], const char *yq, act_meta m) {
        return _mm_add_ps(a, C::term(C::dot(w, blk, yq), w, m));
    }
};

// value = d * (q - z), z at byte 2 (Q4_Z, Q3_Z): unsigned q from
// Unpack::quants(block), sum((q - z) y) = sum(q y) - z sum(y). (Unpack is a
// class: a function pointer returning a vector type would lose its
// attributes as a template argument.)
template <class Isa, size_t XS, class Unpack>
struct zero_point_codec : x86_codec<zero_point_codec<Isa, XS, Unpack>, Isa> {
    static constexpr size_t x_size = XS, y_size = 34, y_qs = 2;
    struct weights {
        typename Isa::quants q[4];
        __m128 d, z;
    };
    static act_meta act(const char *yb) { return q8_0_act_with_sum(yb); }
    static weights decode(const char *const blk[4]) {
        weights w;
        for (int r = 0; r < 4; r++)
            w.q[r] = Unpack::quants(blk[r]);
        gather_d_z(blk, &w.d, &w.z);
        return w;
    }
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return zero_point_term(dot, w.d, w.z, a);
    }
};

} // namespace
