// AVX-512 kernels of Q3_Z: the high-bit plane qh is a 32-bit lane mask, so
// adding 4 to the low two bits under it rebuilds q in one masked add.
#include "formats/x86/avx512.h"
#include "formats/kernels.h"

namespace {

inline __m256i unpack_q3(const char *blk) {
    // ql[i] bits 2k..2k+1 = low bits of element 8k + i: ql in all four
    // 64-bit lanes, lane k shifted by 2k
    uint64_t ql;
    std::memcpy(&ql, blk + 3, sizeof ql);
    const __m256i lo = _mm256_and_si256(
        _mm256_srlv_epi64(_mm256_set1_epi64x(int64_t(ql)), _mm256_setr_epi64x(0, 2, 4, 6)),
        _mm256_set1_epi8(3));
    uint32_t qh;
    std::memcpy(&qh, blk + 11, sizeof qh);
    return _mm256_mask_add_epi8(lo, __mmask32(qh), lo, _mm256_set1_epi8(4));
}

struct q3_z_codec : avx512_codec<q3_z_codec> {
    static constexpr size_t x_size = 15, y_size = 34, y_qs = 2;
    struct weights {
        __m256i q[4];
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
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return zero_point_term(dot, w.d, w.z, a);
    }
};

} // namespace

namespace ggml {

const format_kernels GGML_AVX512_TABLE(q3_z){nullptr, vec_dot<q3_z_codec>, gemm<q3_z_codec>};

} // namespace ggml
