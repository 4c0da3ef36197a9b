// Scalar reference of the 8-bit blocks: the specification the SIMD kernels
// are tested against. Rounding follows ggml's reference quantizer exactly
// (x * (1/d), then roundf) so files and activations match ggml's bytes.
#include "q8/blocks.h"

#include "formats/dot_sum.h"
#include "formats/quant_math.h"
#include "fp16.h"

#include <cmath>

namespace ggml {

namespace {

// Scale of a block: its largest magnitude maps to 127.
float q8_scale(const float *x) {
    float amax = 0.0f;
    for (int j = 0; j < QK8; j++) amax = std::fmax(amax, std::fabs(x[j]));
    return amax / 127.0f;
}

} // namespace

void quantize_row_q8_0_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<block_q8_0 *>(vy);
    for (int64_t b = 0; b < n / QK8; b++, x += QK8) {
        const float d = q8_scale(x);
        const float id = inverse_scale(d);
        y[b].d = fp32_to_fp16(d);
        for (int j = 0; j < QK8; j++) y[b].qs[j] = int8_t(round_clamped(x[j] * id, -128, 127));
    }
}

void quantize_row_q8_1_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<block_q8_1 *>(vy);
    for (int64_t b = 0; b < n / QK8; b++, x += QK8) {
        const float d = q8_scale(x);
        const float id = inverse_scale(d);
        y[b].d = fp32_to_fp16(d);
        int sum = 0;
        for (int j = 0; j < QK8; j++) {
            y[b].qs[j] = int8_t(round_clamped(x[j] * id, -128, 127));
            sum += y[b].qs[j];
        }
        y[b].s = fp32_to_fp16(float(sum) * d);
    }
}

void set_level_q8_0(void *x, int64_t j, int q) {
    static_cast<block_q8_0 *>(x)[j / QK8].qs[j % QK8] = int8_t(q - 128);
}

void level_line_q8_0(const void *vx, int64_t n, float *a, float *b) {
    const auto *x = static_cast<const block_q8_0 *>(vx);
    for (int64_t j = 0; j < n; j++) {
        a[j] = fp16_to_fp32(x[j / QK8].d);
        b[j] = -128.0f * a[j];
    }
}

void dequantize_row_q8_0(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const block_q8_0 *>(vx);
    for (int64_t b = 0; b < n / QK8; b++) {
        const float d = fp16_to_fp32(x[b].d);
        for (int j = 0; j < QK8; j++) y[b * QK8 + j] = float(x[b].qs[j]) * d;
    }
}

void dequantize_row_q8_1(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const block_q8_1 *>(vx);
    for (int64_t b = 0; b < n / QK8; b++) {
        const float d = fp16_to_fp32(x[b].d);
        for (int j = 0; j < QK8; j++) y[b * QK8 + j] = float(x[b].qs[j]) * d;
    }
}

void vec_dot_q8_0_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const block_q8_0 *>(vx);
    const auto *y = static_cast<const block_q8_0 *>(vy);
    dot_sum sum;
    for (int64_t b = 0; b < n / QK8; b++) {
        int sumi = 0;
        for (int j = 0; j < QK8; j++) sumi += int(x[b].qs[j]) * int(y[b].qs[j]);
        sum.fma(float(sumi), fp16_to_fp32(x[b].d) * fp16_to_fp32(y[b].d));
    }
    *s = sum.total();
}

} // namespace ggml
