// AVX2 kernels of the 8-bit blocks: the activation quantizers (byte-identical
// with the reference) and Q8_0 weights against Q8_0 activations.
#include "formats/kernels.h"
#include "q8/x86_codecs.h"

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

} // namespace

namespace ggml {

const format_kernels q8_0_avx2{quantize_row_q8_0, nullptr, gemm<q8_0_codec>};
const format_kernels q8_1_avx2{quantize_row_q8_1, nullptr, nullptr};

} // namespace ggml
