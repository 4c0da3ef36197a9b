// A llama model: hyperparameters (llama2.c's Config) and weights (its
// TransformerWeights), the weights pointing into the mapped GGUF file.
#pragma once

#include "llama.h"

#include "gguf.h"
#include "tokenizer.h"

#include <memory>
#include <string>
#include <vector>

namespace llama {

struct hparams {
    int32_t n_vocab;
    int32_t n_ctx_train; // context length the model was trained with
    int32_t n_embd;      // model dimension
    int32_t n_layer;
    int32_t n_ff;        // hidden size of the SwiGLU feed-forward
    int32_t n_head;      // query heads
    int32_t n_head_kv;   // key/value heads (fewer with grouped-query attention)
    int32_t n_rot;       // dimensions of each head that RoPE rotates
    float rms_eps;
    float rope_freq_base;

    int32_t head_dim() const { return n_embd / n_head; }
    int32_t n_embd_kv() const { return head_dim() * n_head_kv; }
};

struct layer {
    ggml_tensor *attn_norm; // [n_embd]
    ggml_tensor *wq;        // [n_embd, n_embd]
    ggml_tensor *wk;        // [n_embd, n_embd_kv]
    ggml_tensor *wv;        // [n_embd, n_embd_kv]
    ggml_tensor *wo;        // [n_embd, n_embd]
    ggml_tensor *ffn_norm;  // [n_embd]
    ggml_tensor *w_gate;    // [n_embd, n_ff]
    ggml_tensor *w_up;      // [n_embd, n_ff]
    ggml_tensor *w_down;    // [n_ff, n_embd]
};

} // namespace llama

struct llama_model {
    std::unique_ptr<llama::gguf_file> file;
    llama::hparams hp{};
    ggml_context *weights = nullptr; // tensor headers; data lives in the mapping
    ggml_tensor *tok_embd = nullptr;     // [n_embd, n_vocab]
    ggml_tensor *output_norm = nullptr;  // [n_embd]
    ggml_tensor *output = nullptr;       // [n_embd, n_vocab]; tok_embd when tied
    std::vector<llama::layer> layers;
    std::unique_ptr<llama::tokenizer> tok;
    uint64_t n_params = 0;
    uint64_t n_bytes = 0;
    std::string desc;
    double t_load_ms = 0.0;

    ~llama_model();
};

namespace llama {

// Sets the thread's last error (llama_last_error) and returns nullptr-ish
// values for the callers' convenience.
void set_error(std::string message);

} // namespace llama
