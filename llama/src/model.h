// A llama model: hyperparameters (schema.h) and weights (llama2.c's
// TransformerWeights), the weights pointing into the mapped GGUF file.
#pragma once

#include "llama.h"

#include "gguf_file.h"
#include "last_error.h"
#include "schema.h"
#include "tokenizer.h"

#include <memory>
#include <string>
#include <vector>

namespace llama {

// A linear layer y = W x (+ b): GGUF tensors <name>.weight, and optionally
// <name>.bias and <name>.input_perm. The perm is there when the weight's
// columns are stored in another order than the inputs come in (GPTQ
// act-order imports keep each quantization group in whole blocks that way):
// stored column j multiplies input input_perm[j], so the forward pass
// gathers x into that order first. Layers with equal perms share one
// tensor, so that their common input is gathered once. input_signs is set
// when the model stores its layers rotated (input_rotation.h): W R, so the
// forward pass rotates x by R^T (before the gather: act-order permutes
// rotated inputs); the linears that read one input share it.
struct linear {
    ggml_tensor *weight = nullptr;      // [n_in, n_out]
    ggml_tensor *bias = nullptr;        // F32 [n_out]
    ggml_tensor *input_perm = nullptr;  // I32 [n_in], a permutation of 0..n_in-1
    ggml_tensor *input_signs = nullptr; // I32 [b, n_in / b] (ggml_hadamard), not a file tensor
};

struct layer {
    ggml_tensor *attn_norm; // [n_embd]
    linear wq;              // [n_embd, n_embd]
    linear wk;              // [n_embd, n_embd_kv]
    linear wv;              // [n_embd, n_embd_kv]
    linear wo;              // [n_embd, n_embd]
    ggml_tensor *ffn_norm;  // [n_embd]
    linear w_gate;          // [n_embd, n_ff]
    linear w_up;            // [n_embd, n_ff]
    linear w_down;          // [n_ff, n_embd]
};

} // namespace llama

struct llama_model {
    std::unique_ptr<llama::gguf_file> file;
    llama::hparams hp{};
    ggml_context *weights = nullptr;    // tensor headers; data in the mapping (or, for a
                                        // random model, in the context itself)
    ggml_tensor *tok_embd = nullptr;    // [n_embd, n_vocab]
    ggml_tensor *output_norm = nullptr; // [n_embd]
    llama::linear output;               // [n_embd, n_vocab]; weight tok_embd when tied
    std::vector<llama::layer> layers;
    std::vector<std::vector<int32_t>> input_signs; // what the layers' input_signs point to
    std::unique_ptr<llama::tokenizer> tok;
    std::string desc;
    double t_load_ms = 0.0;

    ~llama_model();
};

namespace llama {

// Repacks the weights of every matrix product (the layers' and the
// classifier, which may be the embedding) in row groups for the kernels
// (ggml_repack_rows), on all cores. The embedding that is only looked up
// stays as it is. False when memory runs out.
bool repack_weights(llama_model &model);

// Calls f(tensor) for every tensor of the model once (a tied classifier is
// the embedding, seen once).
template <typename F> void for_each_tensor(const llama_model &m, F f) {
    auto linear_tensors = [&](const linear &l) {
        for (ggml_tensor *t : {l.weight, l.bias, l.input_perm})
            if (t) f(t);
    };
    f(m.tok_embd);
    f(m.output_norm);
    if (m.output.weight != m.tok_embd) linear_tensors(m.output);
    for (const layer &l : m.layers) {
        f(l.attn_norm);
        f(l.ffn_norm);
        for (const linear *w : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down})
            linear_tensors(*w);
    }
}

// "llama 5 layers, dim 64, ..., Q4_Z" (the type of most weight bytes).
std::string describe(const llama_model &model);

} // namespace llama
