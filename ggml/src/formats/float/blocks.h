// F32, F16 and BF16 rows: "blocks" of one element. BF16 is the top half of
// an F32 (8 exponent bits, 7 mantissa bits), as ggml stores it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ggml {

// A BF16 value's bits, a type of its own so that kernels tell it from F16.
struct bf16 {
    uint16_t bits;
};

void quantize_row_f32_ref(const float *x, void *y, int64_t n);
void quantize_row_f16_ref(const float *x, void *y, int64_t n);
void quantize_row_bf16_ref(const float *x, void *y, int64_t n);
void dequantize_row_f32(const void *x, float *y, int64_t n);
void dequantize_row_f16(const void *x, float *y, int64_t n);
void dequantize_row_bf16(const void *x, float *y, int64_t n);
void vec_dot_f32_ref(int64_t n, float *s, const void *x, const void *y);
void vec_dot_f16_ref(int64_t n, float *s, const void *x, const void *y);
void swiglu_f32_ref(int64_t n, const float *x, const float *g, float *out);
void hadamard_mix_f32_ref(const float *in, float *out, const float *f, int64_t m, int64_t p);
// BF16 weights against F32 activations: widening a BF16 is exact, so the
// activations are not rounded to BF16 first (ggml's BF16 kernels do round
// them; this keeps their full precision at no cost).
void vec_dot_bf16_f32_ref(int64_t n, float *s, const void *x, const void *y);
// format_kernels::attend of the scalar level (float/attention.h's algorithm)
void attend_f32_ref(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first,
                    const void *k, size_t k_stride, const void *v, size_t v_stride, float *out,
                    size_t out_stride);
void attend_f16_ref(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first,
                    const void *k, size_t k_stride, const void *v, size_t v_stride, float *out,
                    size_t out_stride);

} // namespace ggml
