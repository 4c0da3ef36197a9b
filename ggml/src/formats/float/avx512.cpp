// AVX-512 kernels of the float formats: 64 partial sums (4 vectors of 16),
// element i always in lane i % 64 (masked loads for the tail); they differ
// from the reference's element-order sum by float rounding only, and give
// the same result for a row padded with zeros (see float/avx2.cpp).
#include "float/attention.h"
#include "float/blocks.h"
#include "float/hadamard_mix.h"
#include "float/swiglu.h"
#include "formats/kernels.h"
#include "formats/x86/vec16.h"
#include "formats/x86/vec8.h"

namespace {

void quantize_row_f16(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<uint16_t *>(vy);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(y + i),
                            _mm512_cvtps_ph(_mm512_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) y[i] = f32_to_fp16(x[i]);
}

inline __m512 load16(const float *p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }
inline __m512 load16(const uint16_t *p, __mmask16 m) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p));
}
// BF16: the top half of a float
inline __m512 load16(const ggml::bf16 *p, __mmask16 m) {
    const __m512i h = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, p));
    return _mm512_castsi512_ps(_mm512_slli_epi32(h, 16));
}

// x of type X against y of type Y (BF16 weights meet F32 activations).
template <class X, class Y = X>
void vec_dot_float(int64_t n, float *s, const void *vx, const void *vy) {
    const X *x = static_cast<const X *>(vx);
    const Y *y = static_cast<const Y *>(vy);
    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(),
                     _mm512_setzero_ps()};
    for (int64_t i = 0; i < n; i += 64)
        for (int k = 0; k < 4; k++) {
            // the tail by masked (zero) loads, in the same lanes
            const int64_t left = n - i - 16 * k;
            const __mmask16 m = left >= 16  ? __mmask16(0xffff)
                                : left <= 0 ? __mmask16(0)
                                            : __mmask16((1u << left) - 1);
            acc[k] = _mm512_fmadd_ps(load16(x + i + 16 * k, m), load16(y + i + 16 * k, m), acc[k]);
        }
    *s = _mm512_reduce_add_ps(
        _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3])));
}

// Attention in vectors of 16 where the head's size allows (it is the same
// for every call on a model, so a query's result still does not depend on
// the batch).
template <class T>
void attend16(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first, const void *k,
              size_t k_stride, const void *v, size_t v_stride, float *out, size_t out_stride) {
    if (hd % 16 == 0)
        attend<vec16, T>(hd, nq, q, q_stride, n_first, k, k_stride, v, v_stride, out, out_stride);
    else
        attend<vec8, T>(hd, nq, q, q_stride, n_first, k, k_stride, v, v_stride, out, out_stride);
}

} // namespace

namespace ggml {

const format_kernels f32_avx512{nullptr,         vec_dot_float<float>, nullptr,
                                attend16<float>, swiglu<vec8>,         hadamard_mix<vec8>};
const format_kernels f16_avx512{quantize_row_f16, vec_dot_float<uint16_t>, nullptr,
                                attend16<uint16_t>};
const format_kernels bf16_avx512{nullptr, vec_dot_float<bf16, float>, nullptr};

} // namespace ggml
