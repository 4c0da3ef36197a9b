// The x86 codecs of the 4-bit blocks in row groups (x86/groups.h). Nibbles
// stay unsigned (0..15) so maddubs or vpdpbusd multiplies them with the
// signed activation bytes; the offset (8 for Q4_0, z for Q4_Z) comes off
// afterwards as offset * sum(y), exactly, in float.
#pragma once

#include "formats/x86/groups.h"

namespace {

// The 8 chunks of a group block's nibbles (128 bytes at p): its 32-byte
// vector i holds bytes 4i..4i+3 of each row's qs, elements 4i..4i+3 in the
// low nibbles (chunk i) and 16+4i..19+4i in the high ones (chunk i + 4).
inline void nibble_chunks(const char *p, __m256i q[8]) {
    const __m256i mask = _mm256_set1_epi8(0x0f);
    for (int i = 0; i < 4; i++) {
        const __m256i v = _mm256_loadu_si256((const __m256i *)(p + 32 * i));
        q[i] = _mm256_and_si256(v, mask);
        q[i + 4] = _mm256_and_si256(_mm256_srli_epi16(v, 4), mask);
    }
}

// value = d * (q - Q::offset): sum((q - offset) y) = sum(q y) - offset
// sum(y), exact in float (integers below 2^24). Q gives the block size,
// the quants of a group block (after its 8 d) and their dot product with
// an activation block's quants.
template <class Q> struct offset_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = Q::x_size, y_size = 34;
    struct weights {
        __m256i q[8];
        __m256 d;
    };
    static act_meta act(const char *yb) {
        return {fp16_to_f32(load_u16(yb)), float(Q::offset) * q8_sum(yb)};
    }
    static weights decode(const char *x) {
        weights w;
        w.d = load_f16x8(x);
        Q::quants(x, w.q);
        return w;
    }
    static __m256 step(__m256 acc, const weights &w, const char *yb, float dy, float aux) {
        const __m256 t =
            _mm256_sub_ps(_mm256_cvtepi32_ps(Q::dot(w.q, yb + 2)), _mm256_set1_ps(aux));
        return add_scaled(acc, t, w.d, dy);
    }
};

// value = d * q + m, against Q8_1 whose s = dy * sum(y) carries the m term:
// the reference adds m * s first, then d * dy * sum(q y). Q as above, its
// quants after the 8 d and 8 m.
template <class Q> struct min_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = Q::x_size, y_size = 36;
    struct weights {
        __m256i q[8];
        __m256 d, m;
    };
    static act_meta act(const char *yb) {
        return {fp16_to_f32(load_u16(yb)), fp16_to_f32(load_u16(yb + 2))};
    }
    static weights decode(const char *x) {
        weights w;
        w.d = load_f16x8(x);
        w.m = load_f16x8(x + 16);
        Q::quants(x, w.q);
        return w;
    }
    static __m256 step(__m256 acc, const weights &w, const char *yb, float dy, float aux) {
        acc = _mm256_fmadd_ps(w.m, _mm256_set1_ps(aux), acc);
        return add_scaled(acc, _mm256_cvtepi32_ps(Q::dot(w.q, yb + 4)), w.d, dy);
    }
};

// Q4_0: value = d * (q - 8); group block: 8 d, the nibbles
struct q4_0_quants {
    static constexpr size_t x_size = 18;
    static constexpr int offset = 8;
    static void quants(const char *x, __m256i q[8]) { nibble_chunks(x + 16, q); }
    static __m256i dot(const __m256i q[8], const char *qs) { return dot_small(q, qs); }
};
using q4_0_codec = offset_codec<q4_0_quants>;

// Q4_1: value = d * q + m; group block: 8 d, 8 m, the nibbles
struct q4_1_quants {
    static constexpr size_t x_size = 20;
    static void quants(const char *x, __m256i q[8]) { nibble_chunks(x + 32, q); }
    static __m256i dot(const __m256i q[8], const char *qs) { return dot_small(q, qs); }
};
using q4_1_codec = min_codec<q4_1_quants>;

// value = d * (q - z), with the 8 rows' z after their d: sum((q - z) y) =
// sum(q y) - z sum(y), integers below 2^24 throughout, so exact in float
template <class Chunks> struct zero_point_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = Chunks::x_size, y_size = 34;
    struct weights {
        __m256i q[8];
        __m256 d, z;
    };
    static act_meta act(const char *yb) { return {fp16_to_f32(load_u16(yb)), q8_sum(yb)}; }
    static weights decode(const char *x) {
        weights w;
        w.d = load_f16x8(x);
        w.z = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(x + 16))));
        Chunks::quants(x + 24, w.q);
        return w;
    }
    static __m256 step(__m256 acc, const weights &w, const char *yb, float dy, float aux) {
        const __m256 t =
            _mm256_fnmadd_ps(w.z, _mm256_set1_ps(aux), _mm256_cvtepi32_ps(dot_small(w.q, yb + 2)));
        return add_scaled(acc, t, w.d, dy);
    }
};

struct q4_z_chunks {
    static constexpr size_t x_size = 19;
    static void quants(const char *p, __m256i q[8]) { nibble_chunks(p, q); }
};
using q4_z_codec = zero_point_codec<q4_z_chunks>;

} // namespace
