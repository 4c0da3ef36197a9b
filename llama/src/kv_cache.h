// The KV cache: keys and values of every layer for every position so far,
// so that generating a token attends to the past without recomputing it.
#pragma once

#include "model.h"

namespace llama {

struct kv_cache {
    ggml_context *ctx = nullptr;
    // per layer [GGML_KEY_BLOCK, head_dim, n_head_kv, n_ctx / GGML_KEY_BLOCK
    // rounded up]: keys in blocks of positions, as ggml_attention reads them
    std::vector<ggml_tensor *> k;
    std::vector<ggml_tensor *> v; // per layer [n_embd_kv, n_ctx]: a row per position
    uint32_t n_ctx = 0;
    int32_t n_past = 0; // positions filled

    kv_cache() = default;
    kv_cache(const kv_cache &) = delete;
    kv_cache &operator=(const kv_cache &) = delete;
    ~kv_cache() { ggml_free(ctx); }

    // Allocates the cache; false and *error if it does not fit in the
    // memory available.
    bool init(const hparams &hp, uint32_t n_ctx, ggml_type type, std::string *error);
};

} // namespace llama
