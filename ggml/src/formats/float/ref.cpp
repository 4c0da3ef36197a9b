// Scalar reference of the float formats. Dot products accumulate in float in
// element order, as llama2.c's matmul does.
#include "float/blocks.h"

#include "fp16.h"

#include <bit>
#include <cstring>

namespace ggml {

namespace {

// Round to nearest even on the 16 bits dropped, as ggml's
// ggml_compute_fp32_to_bf16 (so our BF16 files are its bytes); a NaN keeps
// its sign and top mantissa bits and is made quiet (an increment could carry
// it into an infinity).
uint16_t fp32_to_bf16(float f) {
    const uint32_t u = std::bit_cast<uint32_t>(f);
    if ((u & 0x7fffffff) > 0x7f800000) return uint16_t((u >> 16) | 64);
    return uint16_t((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}

float bf16_to_fp32(uint16_t h) { return std::bit_cast<float>(uint32_t(h) << 16); }

} // namespace

void quantize_row_f32_ref(const float *x, void *y, int64_t n) {
    std::memcpy(y, x, size_t(n) * sizeof(float));
}

void quantize_row_f16_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<uint16_t *>(vy);
    for (int64_t i = 0; i < n; i++) y[i] = fp32_to_fp16(x[i]);
}

void quantize_row_bf16_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<uint16_t *>(vy);
    for (int64_t i = 0; i < n; i++) y[i] = fp32_to_bf16(x[i]);
}

void dequantize_row_f32(const void *x, float *y, int64_t n) {
    std::memcpy(y, x, size_t(n) * sizeof(float));
}

void dequantize_row_f16(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const uint16_t *>(vx);
    for (int64_t i = 0; i < n; i++) y[i] = fp16_to_fp32(x[i]);
}

void dequantize_row_bf16(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const uint16_t *>(vx);
    for (int64_t i = 0; i < n; i++) y[i] = bf16_to_fp32(x[i]);
}

void vec_dot_f32_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const float *>(vx);
    const auto *y = static_cast<const float *>(vy);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) sum += x[i] * y[i];
    *s = sum;
}

void vec_dot_f16_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const uint16_t *>(vx);
    const auto *y = static_cast<const uint16_t *>(vy);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) sum += fp16_to_fp32(x[i]) * fp16_to_fp32(y[i]);
    *s = sum;
}

void vec_dot_bf16_f32_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const uint16_t *>(vx);
    const auto *y = static_cast<const float *>(vy);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) sum += bf16_to_fp32(x[i]) * y[i];
    *s = sum;
}

} // namespace ggml
