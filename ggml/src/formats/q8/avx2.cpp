// AVX2 kernels of the 8-bit blocks: the activation quantizers (byte-identical
// with the reference) and Q8_0 weights against Q8_0 activations.
#include "formats/kernels.h"
#include "formats/x86/tiles.h"

namespace {

constexpr size_t q8_0_size = 34, q8_1_size = 36;

void quantize_row_q8_0(const float *x, void *vy, int64_t n) {
    char *y = static_cast<char *>(vy);
    for (int64_t b = 0; b < n / 32; b++, x += 32, y += q8_0_size) {
        const q8_block q = quantize_q8_block(x);
        const uint16_t d = f32_to_fp16(q.d);
        std::memcpy(y, &d, sizeof d);
        _mm256_storeu_si256((__m256i *)(y + 2), q.qs);
    }
}

void quantize_row_q8_1(const float *x, void *vy, int64_t n) {
    char *y = static_cast<char *>(vy);
    for (int64_t b = 0; b < n / 32; b++, x += 32, y += q8_1_size) {
        const q8_block q = quantize_q8_block(x);
        const uint16_t ds[2] = {f32_to_fp16(q.d), f32_to_fp16(float(hsum_i8(q.qs)) * q.d)};
        std::memcpy(y, ds, sizeof ds);
        _mm256_storeu_si256((__m256i *)(y + 4), q.qs);
    }
}

// Signed weights times signed activations: maddubs needs one unsigned
// operand, so it takes |x| and y with x's sign (y is never -128: the
// quantizers produce -127..127).
struct q8_0_codec : sse_codec<q8_0_codec> {
    static constexpr size_t x_size = q8_0_size, y_size = q8_0_size, y_qs = 2;
    struct weights {
        __m128i abs_lo[4], abs_hi[4];
        __m128 d;
    };
    static act_meta act(const char *yb) { return {fp16_to_f32(load_u16(yb)), 0.0f}; }
    static weights decode(const char *const blk[4]) {
        weights w;
        for (int r = 0; r < 4; r++) {
            w.abs_lo[r] = _mm_abs_epi8(_mm_loadu_si128((const __m128i *)(blk[r] + 2)));
            w.abs_hi[r] = _mm_abs_epi8(_mm_loadu_si128((const __m128i *)(blk[r] + 18)));
        }
        w.d = gather_d(blk);
        return w;
    }
    // maddubs lanes reach 2 * 128 * 127: widen each before adding
    static __m128i dot(const weights &w, const char *const blk[4], __m128i ylo, __m128i yhi) {
        const __m128i ones = _mm_set1_epi16(1);
        __m128i p[4];
        for (int r = 0; r < 4; r++) {
            const __m128i xlo = _mm_loadu_si128((const __m128i *)(blk[r] + 2));
            const __m128i xhi = _mm_loadu_si128((const __m128i *)(blk[r] + 18));
            const __m128i lo = _mm_maddubs_epi16(w.abs_lo[r], _mm_sign_epi8(ylo, xlo));
            const __m128i hi = _mm_maddubs_epi16(w.abs_hi[r], _mm_sign_epi8(yhi, xhi));
            p[r] = _mm_add_epi32(_mm_madd_epi16(lo, ones), _mm_madd_epi16(hi, ones));
        }
        return reduce4_i32(p[0], p[1], p[2], p[3]);
    }
    static __m128 term(__m128i dot, const weights &w, act_meta a) {
        return scaled(_mm_cvtepi32_ps(dot), w.d, a.d);
    }
};

} // namespace

namespace ggml {

const format_kernels q8_0_avx2{quantize_row_q8_0, vec_dot<q8_0_codec>, gemm<q8_0_codec>};
const format_kernels q8_1_avx2{quantize_row_q8_1, nullptr, nullptr};

} // namespace ggml
