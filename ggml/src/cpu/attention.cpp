// Fused causal attention (ggml_attention): threads split (head, tile of
// queries) pairs; each tile's queries are scaled into scratch, then the
// kernel of the cache's format runs (formats/float/attention.h).
#include "formats/float/attention.h"
#include "cpu/ops.h"
#include "formats/scratch.h"
#include "formats/traits.h"

namespace ggml::cpu {

void forward_attention(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *q = dst->src[0], *k = dst->src[1], *v = dst->src[2];
    const float scale = param_f32(dst, 0);
    const int64_t n_past = dst->op_params[1];
    const int64_t hd = q->ne[0], n_head = q->ne[1], n = q->ne[2];
    const int64_t group = n_head / v->ne[2]; // query heads per kv head
    const attend_fn attend = hd % 8 == 0 ? kernels_of(k->type).attend
                                         : traits_of(k->type).kernels[GGML_CPU_SCALAR]->attend;
    constexpr int64_t tile = ATTEND_TILE;
    const int64_t tiles = (n + tile - 1) / tile;
    const auto [begin, end] = split_rows(n_head * tiles, p);
    auto *scaled = static_cast<float *>(kernel_scratch(size_t(tile * hd) * sizeof(float)));
    for (int64_t item = begin; item < end; item++) {
        const int64_t h = item / tiles, i0 = item % tiles * tile;
        const int nq = int(std::min(tile, n - i0));
        for (int t = 0; t < nq; t++) {
            const auto *qt = reinterpret_cast<const float *>(static_cast<const char *>(q->data) +
                                                             h * q->nb[1] + (i0 + t) * q->nb[2]);
            for (int64_t d = 0; d < hd; d++) scaled[t * hd + d] = qt[d] * scale;
        }
        const int64_t hk = h / group;
        attend(hd, nq, scaled, size_t(hd), n_past + i0 + 1,
               static_cast<const char *>(k->data) + hk * k->nb[2], k->nb[3],
               static_cast<const char *>(v->data) + hk * v->nb[2], v->nb[1],
               reinterpret_cast<float *>(static_cast<char *>(dst->data) + h * dst->nb[1] +
                                         i0 * dst->nb[2]),
               dst->nb[2] / sizeof(float));
    }
}

} // namespace ggml::cpu
