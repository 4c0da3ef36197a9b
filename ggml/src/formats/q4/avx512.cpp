// AVX-512 kernels of the 4-bit blocks: as the AVX2 ones (unsigned nibbles,
// the zero point taken off as offset * sum(y)), with a block's 32 nibbles in
// one 256-bit vector and vpdpbusd where the CPU has VNNI.
#include "formats/x86/avx512.h"
#include "formats/kernels.h"

namespace {

// Elements 0..15 from the low nibbles, then 16..31 from the high ones.
inline __m256i unpack_nibbles(const char *qs) {
    const __m128i v = _mm_loadu_si128((const __m128i *)qs);
    const __m128i mask = _mm_set1_epi8(0x0f);
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_and_si128(v, mask)),
                                   _mm_and_si128(_mm_srli_epi16(v, 4), mask), 1);
}

struct q4_0_codec : avx512_codec<q4_0_codec> {
    static constexpr size_t x_size = 18, y_size = 34, y_qs = 2;
    struct weights {
        __m256i q[4];
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
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return scaled(_mm_sub_ps(_mm_cvtepi32_ps(dot), _mm_set1_ps(a.aux)), w.d, a.d); // exact
    }
};

struct q4_1_codec : avx512_codec<q4_1_codec> {
    static constexpr size_t x_size = 20, y_size = 36, y_qs = 4;
    struct weights {
        __m256i q[4];
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
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return min_term(dot, w.d, w.m, a);
    }
};

struct q4_z_codec : avx512_codec<q4_z_codec> {
    static constexpr size_t x_size = 19, y_size = 34, y_qs = 2;
    struct weights {
        __m256i q[4];
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
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return zero_point_term(dot, w.d, w.z, a);
    }
};

} // namespace

namespace ggml {

const format_kernels GGML_AVX512_TABLE(q4_0){nullptr, vec_dot<q4_0_codec>, gemm<q4_0_codec>};
const format_kernels GGML_AVX512_TABLE(q4_1){nullptr, vec_dot<q4_1_codec>, gemm<q4_1_codec>};
const format_kernels GGML_AVX512_TABLE(q4_z){nullptr, vec_dot<q4_z_codec>, gemm<q4_z_codec>};

} // namespace ggml
