// AVX-512 kernels of the 8-bit blocks: activation quantizers (16 floats per
// vector, saturating narrowing stores) and Q8_0 weights.
#include "formats/kernels.h"
#include "q8/x86_codecs.h"

namespace {

constexpr size_t q8_0_size = 34;

// C's roundf of 16 floats, as roundf_ps (common.h) does for 8.
inline __m512 roundf_ps16(__m512 v) {
    const __m512 t = _mm512_roundscale_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m512 frac = _mm512_abs_ps(_mm512_sub_ps(v, t));
    const __mmask16 up = _mm512_cmp_ps_mask(frac, _mm512_set1_ps(0.5f), _CMP_GE_OQ);
    // +-1 with v's sign (integer ops: the float ones need AVX512-DQ)
    const __m512 one = _mm512_castsi512_ps(_mm512_or_si512(
        _mm512_and_si512(_mm512_castps_si512(v), _mm512_set1_epi32(int(0x80000000u))),
        _mm512_castps_si512(_mm512_set1_ps(1.0f))));
    return _mm512_mask_add_ps(t, up, t, one);
}

// The 32 quants of a block, roundf(x * id), stored at qs; their sum in *sum.
inline void quantize_q8_quants(const float *x, float id, int8_t *qs, int *sum) {
    const __m512 idv = _mm512_set1_ps(id);
    const __m512i q0 = _mm512_cvtps_epi32(roundf_ps16(_mm512_mul_ps(_mm512_loadu_ps(x), idv)));
    const __m512i q1 = _mm512_cvtps_epi32(roundf_ps16(_mm512_mul_ps(_mm512_loadu_ps(x + 16), idv)));
    _mm_storeu_si128((__m128i *)qs, _mm512_cvtsepi32_epi8(q0));
    _mm_storeu_si128((__m128i *)(qs + 16), _mm512_cvtsepi32_epi8(q1));
    *sum = _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
}

// Lane b = the largest lane of a[b]: in each 128-bit quarter, pairs of
// vectors, then fours (unpacks), then the four quarters across.
inline __m512 max_lanes(const __m512 a[16]) {
    __m512 y[4];
    for (int g = 0; g < 4; g++) {
        const __m512 *b = a + 4 * g;
        const __m512 x01 =
            _mm512_max_ps(_mm512_unpacklo_ps(b[0], b[1]), _mm512_unpackhi_ps(b[0], b[1]));
        const __m512 x23 =
            _mm512_max_ps(_mm512_unpacklo_ps(b[2], b[3]), _mm512_unpackhi_ps(b[2], b[3]));
        y[g] = _mm512_max_ps(
            _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(x01), _mm512_castps_pd(x23))),
            _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(x01), _mm512_castps_pd(x23))));
    }
    // quarters (0, 2) and (1, 3) of two vectors, then again
    const __m512 z01 = _mm512_max_ps(_mm512_shuffle_f32x4(y[0], y[1], 0x88),
                                     _mm512_shuffle_f32x4(y[0], y[1], 0xdd));
    const __m512 z23 = _mm512_max_ps(_mm512_shuffle_f32x4(y[2], y[3], 0x88),
                                     _mm512_shuffle_f32x4(y[2], y[3], 0xdd));
    return _mm512_max_ps(_mm512_shuffle_f32x4(z01, z23, 0x88),
                         _mm512_shuffle_f32x4(z01, z23, 0xdd));
}

// The scales of 16 blocks at x: d = amax / 127 and id = inverse_scale(d),
// block b in lane b, with one division each for all 16 (the same IEEE
// operations as the block-by-block path).
inline void q8_scales16(const float *x, float *d, float *id) {
    __m512 m[16];
    for (int b = 0; b < 16; b++)
        m[b] = _mm512_max_ps(_mm512_abs_ps(_mm512_loadu_ps(x + 32 * b)),
                             _mm512_abs_ps(_mm512_loadu_ps(x + 32 * b + 16)));
    const __m512 dv = _mm512_div_ps(max_lanes(m), _mm512_set1_ps(127.0f));
    const __m512 inv = _mm512_div_ps(_mm512_set1_ps(1.0f), dv);
    // inverse_scale's 0 for a d of 0 (inv infinite) or so small that 1/d overflows
    const __mmask16 finite =
        _mm512_cmp_ps_mask(_mm512_abs_ps(inv), _mm512_set1_ps(FLT_MAX), _CMP_LE_OQ);
    _mm512_storeu_ps(d, dv);
    _mm512_storeu_ps(id, _mm512_maskz_mov_ps(finite, inv));
}

// Rows of 32-float blocks, 16 blocks' scales at a time (q8_scales16), the
// rest one by one; put(block, x, d, id) writes block b.
template <class Put> void quantize_q8_blocks(const float *x, int64_t nb, Put put) {
    int64_t b = 0;
    for (; b + 16 <= nb; b += 16) {
        alignas(64) float d[16], id[16];
        q8_scales16(x + 32 * b, d, id);
        for (int j = 0; j < 16; j++) put(b + j, x + 32 * (b + j), d[j], id[j]);
    }
    for (; b < nb; b++) {
        const float *xb = x + 32 * b;
        const float d =
            _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(_mm512_loadu_ps(xb)),
                                               _mm512_abs_ps(_mm512_loadu_ps(xb + 16)))) /
            127.0f;
        put(b, xb, d, inverse_scale(d));
    }
}

void quantize_row_q8_0(const float *x, void *vy, int64_t n) {
    char *y = static_cast<char *>(vy);
    quantize_q8_blocks(x, n / 32, [y](int64_t b, const float *xb, float d, float id) {
        char *yb = y + b * q8_0_size;
        int sum;
        quantize_q8_quants(xb, id, (int8_t *)yb + 2, &sum);
        const uint16_t h = f32_to_fp16(d);
        std::memcpy(yb, &h, sizeof h);
    });
}

#if !defined(__AVX512VNNI__) // no dot products: one build is enough
void quantize_row_q8_1(const float *x, void *vy, int64_t n) {
    char *y = static_cast<char *>(vy);
    quantize_q8_blocks(x, n / 32, [y](int64_t b, const float *xb, float d, float id) {
        char *yb = y + b * 36;
        int sum;
        quantize_q8_quants(xb, id, (int8_t *)yb + 4, &sum);
        const uint16_t ds[2] = {f32_to_fp16(d), f32_to_fp16(float(sum) * d)};
        std::memcpy(yb, ds, sizeof ds);
    });
}
#endif

} // namespace

namespace ggml {

const format_kernels GGML_X86_TABLE(q8_0){quantize_row_q8_0, nullptr, gemm<q8_0_codec>};
#if !defined(__AVX512VNNI__)
const format_kernels q8_1_avx512{quantize_row_q8_1, nullptr, nullptr};
#endif

} // namespace ggml
