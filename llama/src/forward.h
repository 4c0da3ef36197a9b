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

// What the linear layers of one transformer layer read, before any gather
// by an input perm: the inputs whose statistics calibration (GPTQ) collects.
struct linear_inputs {
    ggml_tensor *attn;        // of wq, wk, wv: [n_embd, n_tokens]
    ggml_tensor *attn_output; // of wo: [n_embd, n_tokens]
    ggml_tensor *ffn;         // of w_gate, w_up: [n_embd, n_tokens]
    ggml_tensor *ffn_down;    // of w_down: [n_ff, n_tokens]
};

struct layer_graph {
    ggml_cgraph *graph;
    ggml_tensor *input;     // input: F32 [n_embd, n_tokens], the residual stream entering
    ggml_tensor *positions; // input: I32 [n_tokens]
    ggml_tensor *output;    // F32 [n_embd, n_tokens], the residual stream leaving
    linear_inputs inputs;
};

// Builds, in ctx (a no_alloc context), transformer layer il alone with the
// weights l, which need not be the model's (a quantizer runs a layer with
// some of its linears quantized already), as build_forward builds each
// layer. The graph holds only the writes of the keys and values into kv's
// layer il: the caller marks as outputs and expands into it what it reads
// (output, or one of the inputs), so that nothing else is computed.
layer_graph build_layer(ggml_context *ctx, const hparams &hp, const layer &l, int il,
                        const kv_cache &kv, int32_t n_tokens);

// Tensors in the forward graph of a model: about 40 per layer, up to 10 more
// with biases and input perms, with room.
inline size_t forward_graph_size(const hparams &hp) { return 128 + size_t(hp.n_layer) * 80; }
// ... and in the graph of one layer, with room for what a caller adds.
inline size_t layer_graph_size() { return 128; }

} // namespace llama
