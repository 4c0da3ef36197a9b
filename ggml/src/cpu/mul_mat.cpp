// dst = a * b^T over rows, batched over dims 2 and 3 with a broadcast (GQA).
// b is already in a's activation type (the QUANTIZE node converted it once).
// Threads split the output rows (rows of a); every element is one vec_dot
// (or a gemm tile entry, which is bit-identical), so the split never changes
// a result.
#include "cpu/mul_mat_tiles.h"
#include "cpu/ops.h"
#include "formats/traits.h"

namespace ggml::cpu {

void forward_mul_mat(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const ggml_tensor *b = dst->src[1];
#ifdef GGML_USE_OPENBLAS // (without, an unoptimized build would still name the BLAS path)
    if (b->type == GGML_TYPE_F32 && mul_mat_uses_blas(a, b)) {
        forward_mul_mat_blas(p, dst);
        return;
    }
#endif
    const active_kernels &k = kernels_of(a->type);
    GGML_ASSERT(k.vec_dot != nullptr, "%s cannot be a weight of mul_mat", ggml_type_name(a->type));
    const int64_t K = a->ne[0], M = a->ne[1], N = b->ne[1];
    const int64_t n_batch = b->ne[2] * b->ne[3];
    const int64_t r2 = b->ne[2] / a->ne[2], r3 = b->ne[3] / a->ne[3];
    const size_t bs = dst->nb[1] / sizeof(float);

    // work items: (batch, row of a); a thread takes a contiguous range
    const auto [begin, end] = split_rows(n_batch * M, p);
    for (int64_t item = begin; item < end;) {
        const int64_t batch = item / M, m0 = item % M;
        const int64_t m1 = std::min(M, m0 + (end - item));
        const int64_t i2 = batch % b->ne[2], i3 = batch / b->ne[2];
        const char *a_base =
            static_cast<const char *>(a->data) + (i2 / r2) * a->nb[2] + (i3 / r3) * a->nb[3];
        const char *b_base = static_cast<const char *>(b->data) + i2 * b->nb[2] + i3 * b->nb[3];
        char *d_base = static_cast<char *>(dst->data) + i2 * dst->nb[2] + i3 * dst->nb[3];
        if (k.gemm) {
            // with at most one activation tile (token generation) there is
            // no weight tile to keep in cache: one call takes all the rows,
            // and prepares its activation rows once
            const int64_t tile_x = N <= TILE_Y ? m1 - m0 : TILE_X;
            for (int64_t m = m0; m < m1; m += tile_x) {
                const int nx = int(std::min(tile_x, m1 - m));
                for (int64_t n = 0; n < N; n += TILE_Y) {
                    const int ny = int(std::min(TILE_Y, N - n));
                    k.gemm(K, reinterpret_cast<float *>(d_base + n * dst->nb[1]) + m, bs,
                           a_base + m * a->nb[1], a->nb[1], nx, b_base + n * b->nb[1], b->nb[1],
                           ny);
                }
            }
        } else {
            for (int64_t m = m0; m < m1; m++) {
                const char *x = a_base + m * a->nb[1];
                for (int64_t n = 0; n < N; n++)
                    k.vec_dot(K, reinterpret_cast<float *>(d_base + n * dst->nb[1]) + m, x,
                              b_base + n * b->nb[1]);
            }
        }
        item += m1 - m0;
    }
}

} // namespace ggml::cpu
