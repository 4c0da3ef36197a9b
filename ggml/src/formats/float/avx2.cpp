// AVX2 kernels of the float formats. The dot products keep 32 partial sums
// (4 vectors of 8), element i always in lane i % 32, and add them up at the
// end: they differ from the reference's element-order sum by float rounding
// only, and, like it, give the same result for a row padded with zeros
// (attention relies on that: its rows grow with the batch, masked by zeros).
#include "float/attention.h"
#include "float/blocks.h"
#include "float/hadamard_mix.h"
#include "float/swiglu.h"
#include "formats/kernels.h"
#include "formats/x86/vec8.h"

namespace {

void quantize_row_f16(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<uint16_t *>(vy);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(y + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) y[i] = f32_to_fp16(x[i]);
}

inline __m256 load8(const float *p) { return _mm256_loadu_ps(p); }
inline __m256 load8(const uint16_t *p) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}
// BF16: the top half of a float
inline __m256 load8(const ggml::bf16 *p) {
    const __m256i h = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(h, 16));
}

// x of type X against y of type Y (BF16 weights meet F32 activations).
template <class X, class Y = X>
void vec_dot_float(int64_t n, float *s, const void *vx, const void *vy) {
    const X *x = static_cast<const X *>(vx);
    const Y *y = static_cast<const Y *>(vy);
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                     _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; k++)
            acc[k] = _mm256_fmadd_ps(load8(x + i + 8 * k), load8(y + i + 8 * k), acc[k]);
    // The tail: whole vectors of 8 straight into their lanes' accumulator
    // (attention's rows are often 8 or 16 long), the last < 8 zero-padded.
    for (int k = 0; i + 8 <= n; i += 8, k++)
        acc[k] = _mm256_fmadd_ps(load8(x + i), load8(y + i), acc[k]);
    if (i < n) {
        X xt[8] = {};
        Y yt[8] = {};
        std::memcpy(xt, x + i, size_t(n - i) * sizeof(X));
        std::memcpy(yt, y + i, size_t(n - i) * sizeof(Y));
        acc[(i % 32) / 8] = _mm256_fmadd_ps(load8(xt), load8(yt), acc[(i % 32) / 8]);
    }
    *s = hsum_ps(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
}

} // namespace

namespace ggml {

const format_kernels f32_avx2{nullptr,      vec_dot_float<float>, nullptr, attend<vec8, float>,
                              swiglu<vec8>, hadamard_mix<vec8>};
const format_kernels f16_avx2{quantize_row_f16, vec_dot_float<uint16_t>, nullptr,
                              attend<vec8, uint16_t>};
const format_kernels bf16_avx2{nullptr, vec_dot_float<bf16, float>, nullptr};

} // namespace ggml
