#include "kv_cache.h"

#include <cstring>

namespace llama {

bool kv_cache::init(const hparams &hp, uint32_t n_ctx_, ggml_type type) {
    n_ctx = n_ctx_;
    const size_t per_layer = 2 * ggml_row_size(type, int64_t(hp.n_embd_kv()) * n_ctx);
    const size_t bytes = size_t(hp.n_layer) * (per_layer + 2 * ggml_tensor_overhead() + 128);
    ctx = ggml_init({bytes, nullptr, false});
    if (!ctx) {
        set_error("cannot allocate " + std::to_string(bytes >> 20) + " MiB for the KV cache");
        return false;
    }
    for (int il = 0; il < hp.n_layer; il++) {
        k.push_back(ggml_format_name(ggml_new_tensor_2d(ctx, type, hp.n_embd_kv(), n_ctx),
                                     "cache_k.%d", il));
        v.push_back(ggml_format_name(ggml_new_tensor_2d(ctx, type, hp.n_embd_kv(), n_ctx),
                                     "cache_v.%d", il));
        // (attention never reads a position not yet written; zeros keep a
        // dump of the cache deterministic)
        std::memset(k.back()->data, 0, ggml_nbytes(k.back()));
        std::memset(v.back()->data, 0, ggml_nbytes(v.back()));
    }
    n_past = 0;
    return true;
}

} // namespace llama
