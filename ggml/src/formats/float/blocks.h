// F32 and F16 rows: "blocks" of one element.
#pragma once

#include <cstdint>

namespace ggml {

void quantize_row_f32_ref(const float *x, void *y, int64_t n);
void quantize_row_f16_ref(const float *x, void *y, int64_t n);
void dequantize_row_f32(const void *x, float *y, int64_t n);
void dequantize_row_f16(const void *x, float *y, int64_t n);
void vec_dot_f32_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_f16_ref(int64_t n, float *s, const void *x, const void *y);

} // namespace ggml
