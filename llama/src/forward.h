// The llama forward pass as a ggml graph.
#pragma once

#include "kv_cache.h"

namespace llama {

struct forward_graph {
    ggml_cgraph *graph;
    ggml_tensor *tokens;    // input: I32 [n_tokens]
    ggml_tensor *positions; // input: I32 [n_tokens]
    ggml_tensor *logits;    // output: F32 [n_vocab, n_tokens, or 1 with only the last]
};

// Builds, in ctx (a no_alloc context), the graph that evaluates n_tokens
// tokens at positions kv.n_past.. and writes their keys and values into the
// cache.
forward_graph build_forward(ggml_context *ctx, const llama_model &model, const kv_cache &kv,
                            int32_t n_tokens, bool all_logits);

// Tensors in the forward graph of a model: about 40 per layer, up to 10 more
// with biases and input perms, with room.
inline size_t forward_graph_size(const hparams &hp) { return 128 + size_t(hp.n_layer) * 80; }

} // namespace llama
