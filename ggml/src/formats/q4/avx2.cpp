// AVX2 kernels of the 4-bit blocks. Nibbles stay unsigned (0..15) so one
// maddubs multiplies them with the signed activation bytes; the zero point
// (8 for Q4_0, z for Q4_Z) comes off afterwards as offset * sum(y), the
// activation block's integer sum computed once per call. Work is in 128-bit
// vectors: Zen1 splits 256-bit ones in two anyway, and 128-bit halves need
// no lane crossing to reduce.
#include "formats/kernels.h"
#include "formats/x86/tiles.h"

namespace {

constexpr size_t q8_0_size = 34, q8_1_size = 36;

// The 32 nibbles of a block's 16 bytes: elements 0..15 and 16..31.
struct nibbles {
    __m128i lo, hi;
};

inline nibbles unpack_nibbles(const char *qs) {
    const __m128i v = _mm_loadu_si128((const __m128i *)qs);
    const __m128i mask = _mm_set1_epi8(0x0f);
    return {_mm_and_si128(v, mask), _mm_and_si128(_mm_srli_epi16(v, 4), mask)};
}

// Sum over the block of nibble * y for 4 rows. Each maddubs lane is at most
// 2 * 15 * 127, so two of them and then a pair of those stay in int16.
inline __m128i dot_nibbles(const nibbles q[4], __m128i ylo, __m128i yhi) {
    __m128i p[4];
    for (int r = 0; r < 4; r++)
        p[r] = _mm_add_epi16(_mm_maddubs_epi16(q[r].lo, ylo), _mm_maddubs_epi16(q[r].hi, yhi));
    return reduce4_i16(p[0], p[1], p[2], p[3]);
}

// value = d * (q - 8); sum((q - 8) y) = sum(q y) - 8 sum(y)
struct q4_0_codec : sse_codec<q4_0_codec> {
    static constexpr size_t x_size = 18, y_size = q8_0_size, y_qs = 2;
    struct weights {
        nibbles q[4];
        __m128 d;
    };
    static act_meta act(const char *yb) {
        const act_meta a = q8_0_act_with_sum(yb);
        return {a.d, 8.0f * a.aux};
    }
    static weights decode(const char *const blk[4]) {
        weights w;
        for (int r = 0; r < 4; r++)
            w.q[r] = unpack_nibbles(blk[r] + 2);
        w.d = gather_d(blk);
        return w;
    }
    static __m128i dot(const weights &w, const char *const *, __m128i ylo, __m128i yhi) {
        return dot_nibbles(w.q, ylo, yhi);
    }
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return scaled(_mm_sub_ps(_mm_cvtepi32_ps(dot), _mm_set1_ps(a.aux)), w.d, a.d); // exact
    }
};

// value = d * q + m, against Q8_1 whose s = dy * sum(y) carries the m term
struct q4_1_codec : sse_codec<q4_1_codec> {
    static constexpr size_t x_size = 20, y_size = q8_1_size, y_qs = 4;
    struct weights {
        nibbles q[4];
        __m128 d, m;
    };
    static act_meta act(const char *yb) {
        return {fp16_to_f32(load_u16(yb)), fp16_to_f32(load_u16(yb + 2))};
    }
    static weights decode(const char *const blk[4]) {
        weights w;
        for (int r = 0; r < 4; r++)
            w.q[r] = unpack_nibbles(blk[r] + 4);
        gather_d_m(blk, &w.d, &w.m);
        return w;
    }
    static __m128i dot(const weights &w, const char *const *, __m128i ylo, __m128i yhi) {
        return dot_nibbles(w.q, ylo, yhi);
    }
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return min_term(dot, w.d, w.m, a);
    }
};

// value = d * (q - z); sum((q - z) y) = sum(q y) - z sum(y)
struct q4_z_codec : sse_codec<q4_z_codec> {
    static constexpr size_t x_size = 19, y_size = q8_0_size, y_qs = 2;
    struct weights {
        nibbles q[4];
        __m128 d, z;
    };
    static act_meta act(const char *yb) { return q8_0_act_with_sum(yb); }
    static weights decode(const char *const blk[4]) {
        weights w;
        for (int r = 0; r < 4; r++)
            w.q[r] = unpack_nibbles(blk[r] + 3);
        gather_d_z(blk, &w.d, &w.z);
        return w;
    }
    static __m128i dot(const weights &w, const char *const *, __m128i ylo, __m128i yhi) {
        return dot_nibbles(w.q, ylo, yhi);
    }
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return zero_point_term(dot, w.d, w.z, a);
    }
};

} // namespace

namespace ggml {

const format_kernels q4_0_avx2{nullptr, vec_dot<q4_0_codec>, gemm<q4_0_codec>};
const format_kernels q4_1_avx2{nullptr, vec_dot<q4_1_codec>, gemm<q4_1_codec>};
const format_kernels q4_z_avx2{nullptr, vec_dot<q4_z_codec>, gemm<q4_z_codec>};

} // namespace ggml
