// llama2.c model checkpoints and tokenizers (docs/formats.md section 7; run.c in
// karpathy/llama2.c): reading, checking, and conversion to a llama GGUF.
#pragma once

#include "gguf_writer.h"
#include "llama_gguf_out.h"
#include "mapped_file.h"
#include "vocab.h"

#include <cstdint>
#include <memory>
#include <string>

namespace convert {

// The seven int32 of the header. A negative vocab_size in the file means
// the checkpoint has its own classifier; vocab_size here is positive.
struct llama2c_config {
    int32_t dim;
    int32_t hidden_dim;
    int32_t n_layers;
    int32_t n_heads;
    int32_t n_kv_heads;
    int32_t vocab_size;
    int32_t seq_len;
    bool shared_classifier; // the output layer reuses token_embedding

    int32_t head_size() const { return dim / n_heads; }
    int32_t kv_dim() const { return n_kv_heads * head_size(); }
};

// The float32 arrays of a checkpoint, row-major, all layers one after
// another, as in run.c's TransformerWeights. wcls is token_embedding when
// the classifier is shared.
struct llama2c_weights {
    const float *token_embedding; // [vocab][dim]
    const float *rms_att;         // [layers][dim]
    const float *wq;              // [layers][dim][dim]
    const float *wk;              // [layers][kv_dim][dim]
    const float *wv;              // [layers][kv_dim][dim]
    const float *wo;              // [layers][dim][dim]
    const float *rms_ffn;         // [layers][dim]
    const float *w1;              // [layers][hidden][dim]
    const float *w2;              // [layers][dim][hidden]
    const float *w3;              // [layers][hidden][dim]
    const float *rms_final;       // [dim]
    const float *wcls;            // [vocab][dim]
};

// A checkpoint in the format run.c reads ("legacy", export version 0),
// mapped read-only. open() checks the header and that the file is exactly
// as long as that header implies.
class llama2c_checkpoint {
  public:
    static std::unique_ptr<llama2c_checkpoint> open(const std::string &path, std::string *error);

    const llama2c_config &config() const { return config_; }
    const llama2c_weights &weights() const { return weights_; }

  private:
    llama2c_checkpoint() = default;
    std::unique_ptr<llama::mapped_file> map_;
    llama2c_config config_{};
    llama2c_weights weights_{};
};

// Reads a llama2.c tokenizer (.bin: max_token_length, then per token a float
// score, an int32 length and the bytes) of exactly n_vocab tokens, as a
// SentencePiece vocabulary: spaces back to U+2581, BOS/EOS pieces without
// the newlines llama2.c wraps them in, token types inferred from the pieces
// (<unk> unknown, <s> </s> control, <0xXX> byte, others normal), BOS 1,
// EOS 2, unknown 0 as run.c has them.
bool read_llama2c_tokenizer(const std::string &path, int32_t n_vocab, llama::vocab *out,
                            std::string *error);

// Fills the writer with the model: llama metadata (context length =
// seq_len, rms epsilon 1e-5, RoPE base 10000 over the whole head, as run.c),
// the vocabulary, and the weights under llama.cpp's tensor names. Q and K
// are not permuted: llama2.c rotates adjacent pairs, as GGUF llama does.
// The tensors point into the checkpoint, which must outlive w->write().
void add_llama2c_model(const llama2c_checkpoint &ckpt, const llama::vocab &vocab,
                       const std::string &name, out_type type, llama::gguf_writer *w);

} // namespace convert
