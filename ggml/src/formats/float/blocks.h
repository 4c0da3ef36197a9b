// F32 and F16 rows: "blocks" of one element.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ggml {

void quantize_row_f32_ref(const float *x, void *y, int64_t n);
void quantize_row_f16_ref(const float *x, void *y, int64_t n);
void dequantize_row_f32(const void *x, float *y, int64_t n);
void dequantize_row_f16(const void *x, float *y, int64_t n);
void vec_dot_f32_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_f16_ref(int64_t n, float *s, const void *x, const void *y);
void swiglu_f32_ref(int64_t n, const float *x, const float *g, float *out);
// format_kernels::attend of the scalar level (float/attention.h's algorithm)
void attend_f32_ref(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first,
                    const void *k, const void *v, size_t kv_stride, float *out, size_t out_stride);
void attend_f16_ref(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first,
                    const void *k, const void *v, size_t kv_stride, float *out, size_t out_stride);

} // namespace ggml
