// Q8_K (the K-quants' activations) on x86, byte for byte
// quantize_row_q8_K_ref's: the first element of largest magnitude maps to
// -127, every quant is ggml's nearest_int with its clamp at 127 and its
// truncation to a byte, and bsums add up 16 quants each. Built for AVX2 and
// AVX-512 (256-bit code in both; the VNNI build has nothing to add).
#include "formats/kernels.h"
#include "formats/x86/common.h"
#include "k/blocks.h"

namespace {

// The sums of the two 16-byte halves of q, in lanes 0 and 4.
inline __m256i half_sums(__m256i q) {
    const __m256i s = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), q),
                                        _mm256_set1_epi16(1)); // sums of 4
    const __m256i h = _mm256_hadd_epi32(s, s);
    return _mm256_hadd_epi32(h, h);
}

void quantize_block(const float *x, ggml::block_q8_K *y) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    // max |x| (max_ps returns its second operand for a NaN, so NaNs are
    // skipped as the reference's > skips them)
    __m256 m = _mm256_setzero_ps();
    for (int i = 0; i < ggml::QK_K; i += 8)
        m = _mm256_max_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(x + i)), m);
    const float amax = hmax_ps(m);
    if (amax == 0.0f) {
        std::memset(y, 0, sizeof *y);
        return;
    }
    // the first element of that magnitude, with its sign
    float max = 0.0f;
    for (int i = 0; i < ggml::QK_K; i += 8) {
        const __m256 a = _mm256_andnot_ps(sign, _mm256_loadu_ps(x + i));
        const int hit = _mm256_movemask_ps(_mm256_cmp_ps(a, _mm256_set1_ps(amax), _CMP_EQ_OQ));
        if (hit) {
            max = x[i + __builtin_ctz(unsigned(hit))];
            break;
        }
    }
    const float iscale = -127.0f / max;
    const __m256 vs = _mm256_set1_ps(iscale), magic = _mm256_set1_ps(12582912.0f);
    const __m256i mant = _mm256_set1_epi32(0x007fffff), bias = _mm256_set1_epi32(0x00400000),
                  top = _mm256_set1_epi32(127), byte = _mm256_set1_epi32(0xff);
    __m256i bsums[8];
    for (int i = 0; i < ggml::QK_K; i += 32) {
        __m256i q[4];
        for (int k = 0; k < 4; k++) {
            // nearest_int(iscale * x): the integer in the mantissa's low bits
            const __m256 v =
                _mm256_add_ps(_mm256_mul_ps(vs, _mm256_loadu_ps(x + i + 8 * k)), magic);
            const __m256i n =
                _mm256_sub_epi32(_mm256_and_si256(_mm256_castps_si256(v), mant), bias);
            // min(127, n), then its low byte as int8_t() keeps it
            q[k] = _mm256_and_si256(_mm256_min_epi32(n, top), byte);
        }
        // 0..255 narrow exactly through the unsigned saturating packs
        const __m256i q01 = _mm256_packus_epi32(q[0], q[1]), q23 = _mm256_packus_epi32(q[2], q[3]);
        const __m256i bytes = _mm256_permutevar8x32_epi32(
            _mm256_packus_epi16(q01, q23), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *)(y->qs + i), bytes);
        bsums[i / 32] = half_sums(bytes);
    }
    for (int k = 0; k < ggml::QK_K / 32; k++) {
        y->bsums[2 * k] = int16_t(_mm256_extract_epi32(bsums[k], 0));
        y->bsums[2 * k + 1] = int16_t(_mm256_extract_epi32(bsums[k], 4));
    }
    y->d = 1.0f / iscale;
}

void quantize_row_q8_K(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<ggml::block_q8_K *>(vy);
    for (int64_t b = 0; b < n / ggml::QK_K; b++) quantize_block(x + b * ggml::QK_K, y + b);
}

} // namespace

namespace ggml {

const format_kernels GGML_X86_TABLE(q8_k){quantize_row_q8_K, nullptr, nullptr};

} // namespace ggml
