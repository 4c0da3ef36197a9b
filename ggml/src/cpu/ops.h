// The CPU forward functions of the ops. Each is called on every thread with
// its index; it computes its share of the output rows and nothing else, so a
// result never depends on the number of threads.
#pragma once

#include "internal.h"

#include <algorithm>
#include <cstring>

namespace ggml::cpu {

struct compute_params {
    int ith; // this thread
    int nth; // threads in the job
};

// This thread's share [begin, end) of n rows.
struct row_range {
    int64_t begin, end;
};
inline row_range split_rows(int64_t n, const compute_params &p) {
    const int64_t per = (n + p.nth - 1) / p.nth;
    const int64_t begin = std::min<int64_t>(n, per * p.ith);
    return {begin, std::min<int64_t>(n, begin + per)};
}

// Address of row r (counting over dims 1..3) of t.
inline char *row_ptr(const ggml_tensor *t, int64_t r) {
    const int64_t i1 = r % t->ne[1];
    const int64_t i2 = (r / t->ne[1]) % t->ne[2];
    const int64_t i3 = r / (t->ne[1] * t->ne[2]);
    return static_cast<char *>(t->data) + i1 * t->nb[1] + i2 * t->nb[2] + i3 * t->nb[3];
}

inline float param_f32(const ggml_tensor *t, int i) {
    float v;
    std::memcpy(&v, &t->op_params[i], sizeof v);
    return v;
}

void forward_add(const compute_params &p, ggml_tensor *dst);
void forward_mul(const compute_params &p, ggml_tensor *dst);
void forward_scale(const compute_params &p, ggml_tensor *dst);
void forward_silu(const compute_params &p, ggml_tensor *dst);
void forward_swiglu(const compute_params &p, ggml_tensor *dst);
void forward_copy(const compute_params &p, ggml_tensor *dst); // CPY and CONT
void forward_quantize(const compute_params &p, ggml_tensor *dst);
void forward_get_rows(const compute_params &p, ggml_tensor *dst);
void forward_get_cols(const compute_params &p, ggml_tensor *dst);
void forward_hadamard(const compute_params &p, ggml_tensor *dst);
// One row of n floats rotated as ggml_hadamard does with `signs`.
void hadamard_row(const float *in, float *out, const ggml_tensor *signs, int64_t n);
void forward_rms_norm(const compute_params &p, ggml_tensor *dst);
void forward_rope(const compute_params &p, ggml_tensor *dst);
void forward_soft_max(const compute_params &p, ggml_tensor *dst);
void forward_mul_mat(const compute_params &p, ggml_tensor *dst);
void forward_attention(const compute_params &p, ggml_tensor *dst);
void forward_store_keys(const compute_params &p, ggml_tensor *dst);
void forward_mul_mat_blas(const compute_params &p, ggml_tensor *dst); // GGML_OPENBLAS builds

} // namespace ggml::cpu
