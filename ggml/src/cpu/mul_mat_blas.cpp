// Large F32/F16 matrix products through OpenBLAS's sgemm, in builds with
// -DGGML_OPENBLAS=ON. Thread 0 makes the call (OpenBLAS runs its own
// threads); the others wait at the barrier after the op. The result then
// depends on OpenBLAS's summation order rather than our kernels'.
#include "cpu/ops.h"
#include "formats/traits.h"

#include <cblas.h>
#include <vector>

namespace ggml {

bool mul_mat_uses_blas(const ggml_tensor *a, const ggml_tensor *b) {
    // below these sizes the call costs more than our kernels
    constexpr int64_t min_dim = 32;
    return (a->type == GGML_TYPE_F32 || a->type == GGML_TYPE_F16) && a->ne[0] >= min_dim &&
           a->ne[1] >= min_dim && b->ne[1] >= min_dim;
}

namespace cpu {

void forward_mul_mat_blas(const compute_params &p, ggml_tensor *dst) {
    if (p.ith != 0) return;
    const ggml_tensor *a = dst->src[0];
    const ggml_tensor *b = dst->src[1];
    const int64_t K = a->ne[0], M = a->ne[1], N = b->ne[1];
    const int64_t r2 = b->ne[2] / a->ne[2], r3 = b->ne[3] / a->ne[3];
    std::vector<float> a_f32; // F16 weights, widened one matrix at a time
    for (int64_t i3 = 0; i3 < b->ne[3]; i3++) {
        for (int64_t i2 = 0; i2 < b->ne[2]; i2++) {
            const char *a_base =
                static_cast<const char *>(a->data) + (i2 / r2) * a->nb[2] + (i3 / r3) * a->nb[3];
            const float *a_rows = reinterpret_cast<const float *>(a_base);
            int64_t lda = int64_t(a->nb[1] / sizeof(float));
            if (a->type == GGML_TYPE_F16) {
                a_f32.resize(size_t(K * M));
                for (int64_t m = 0; m < M; m++)
                    traits_of(GGML_TYPE_F16)
                        .dequantize_row(a_base + m * a->nb[1], &a_f32[size_t(m * K)], K);
                a_rows = a_f32.data();
                lda = K;
            }
            const auto *b_rows = reinterpret_cast<const float *>(
                static_cast<const char *>(b->data) + i2 * b->nb[2] + i3 * b->nb[3]);
            auto *d = reinterpret_cast<float *>(static_cast<char *>(dst->data) + i2 * dst->nb[2] +
                                                i3 * dst->nb[3]);
            // dst[n][m] = sum_k b[n][k] a[m][k]
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(N), int(M), int(K), 1.0f,
                        b_rows, int(b->nb[1] / sizeof(float)), a_rows, int(lda), 0.0f, d,
                        int(dst->nb[1] / sizeof(float)));
        }
    }
}

} // namespace cpu

} // namespace ggml
