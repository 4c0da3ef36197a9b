// The public half-precision conversions.
#include "fp16.h"

#include "ggml.h"

float ggml_fp16_to_fp32(ggml_fp16_t h) { return ggml::fp16_to_fp32(h); }

ggml_fp16_t ggml_fp32_to_fp16(float f) { return ggml::fp32_to_fp16(f); }

void ggml_fp16_to_fp32_row(const ggml_fp16_t *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = ggml::fp16_to_fp32(x[i]);
}

void ggml_fp32_to_fp16_row(const float *x, ggml_fp16_t *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = ggml::fp32_to_fp16(x[i]);
}
