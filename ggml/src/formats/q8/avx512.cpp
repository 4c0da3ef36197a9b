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

// One block: d = amax / 127 and the 32 quants roundf(x * (1/d)) stored at
// qs; returns d and (in *sum) the quants' sum.
inline float quantize_q8_block(const float *x, int8_t *qs, int *sum) {
    const __m512 v0 = _mm512_loadu_ps(x), v1 = _mm512_loadu_ps(x + 16);
    const float d =
        _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1))) / 127.0f;
    const __m512 id = _mm512_set1_ps(inverse_scale(d));
    const __m512i q0 = _mm512_cvtps_epi32(roundf_ps16(_mm512_mul_ps(v0, id)));
    const __m512i q1 = _mm512_cvtps_epi32(roundf_ps16(_mm512_mul_ps(v1, id)));
    _mm_storeu_si128((__m128i *)qs, _mm512_cvtsepi32_epi8(q0));
    _mm_storeu_si128((__m128i *)(qs + 16), _mm512_cvtsepi32_epi8(q1));
    *sum = _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
    return d;
}

void quantize_row_q8_0(const float *x, void *vy, int64_t n) {
    char *y = static_cast<char *>(vy);
    for (int64_t b = 0; b < n / 32; b++, x += 32, y += q8_0_size) {
        int sum;
        const uint16_t d = f32_to_fp16(quantize_q8_block(x, (int8_t *)y + 2, &sum));
        std::memcpy(y, &d, sizeof d);
    }
}

#if !defined(__AVX512VNNI__) // no dot products: one build is enough
void quantize_row_q8_1(const float *x, void *vy, int64_t n) {
    char *y = static_cast<char *>(vy);
    for (int64_t b = 0; b < n / 32; b++, x += 32, y += 36) {
        int sum;
        const float d = quantize_q8_block(x, (int8_t *)y + 4, &sum);
        const uint16_t ds[2] = {f32_to_fp16(d), f32_to_fp16(float(sum) * d)};
        std::memcpy(y, ds, sizeof ds);
    }
}
#endif

} // namespace

namespace ggml {

const format_kernels GGML_X86_TABLE(q8_0){quantize_row_q8_0, nullptr, gemm<q8_0_codec>};
#if !defined(__AVX512VNNI__)
const format_kernels q8_1_avx512{quantize_row_q8_1, nullptr, nullptr};
#endif

} // namespace ggml
