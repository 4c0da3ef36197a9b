// The input rotation of linear layers stored rotated (walsh_hadamard.h).
#include "cpu/ops.h"
#include "walsh_hadamard.h"

namespace ggml::cpu {

void forward_hadamard(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const ggml_tensor *signs = dst->src[1];
    const int64_t n = a->ne[0];
    const auto [begin, end] = split_rows(ggml_nrows(dst), p);
    for (int64_t r = begin; r < end; r++) {
        auto *out = reinterpret_cast<float *>(row_ptr(dst, r));
        std::memcpy(out, row_ptr(a, r), size_t(n) * sizeof(float));
        rotate_blocks(out, n, static_cast<const int32_t *>(signs->data), signs->ne[0]);
    }
}

} // namespace ggml::cpu
