// The llama model as GGUF holds it, in one place: the metadata keys, the
// tensor names and the hyperparameters, read and written. The loader, the
// random-model builder, the converters and quantize all use it, so that what
// one writes is what another reads. Names as llama.cpp spells them
// (docs/formats.md section 3).
#pragma once

#include "gguf_file.h"
#include "gguf_writer.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace llama {

// The shape of a llama (llama2.c's Config).
struct hparams {
    int32_t n_vocab;     // not a key: the vocabulary's size
    int32_t n_ctx_train; // context length the model was trained with
    int32_t n_embd;      // model dimension
    int32_t n_layer;
    int32_t n_ff;      // hidden size of the SwiGLU feed-forward
    int32_t n_head;    // query heads
    int32_t n_head_kv; // key/value heads (fewer with grouped-query attention)
    int32_t n_rot;     // dimensions of each head that RoPE rotates
    float rms_eps;
    float rope_freq_base;

    int32_t head_dim() const { return n_embd / n_head; }
    int32_t n_embd_kv() const { return head_dim() * n_head_kv; }
};

namespace schema {

constexpr const char *ARCH = "llama"; // general.architecture of the models read and written

namespace keys {

constexpr const char *ARCHITECTURE = "general.architecture";
constexpr const char *NAME = "general.name";
constexpr const char *FILE_TYPE = "general.file_type";
constexpr const char *QUANTIZATION_VERSION = "general.quantization_version";

// The hyperparameters are "<architecture>.<suffix>" (arch_key): quantize
// reads them for architectures other than llama too.
constexpr const char *CONTEXT_LENGTH = "context_length";
constexpr const char *EMBEDDING_LENGTH = "embedding_length";
constexpr const char *BLOCK_COUNT = "block_count";
constexpr const char *FEED_FORWARD_LENGTH = "feed_forward_length";
constexpr const char *HEAD_COUNT = "attention.head_count";
constexpr const char *HEAD_COUNT_KV = "attention.head_count_kv";
constexpr const char *RMS_EPSILON = "attention.layer_norm_rms_epsilon";
constexpr const char *ROPE_DIMENSION_COUNT = "rope.dimension_count";
constexpr const char *ROPE_FREQ_BASE = "rope.freq_base";

constexpr const char *TOKENIZER_MODEL = "tokenizer.ggml.model";
constexpr const char *TOKENS = "tokenizer.ggml.tokens";
constexpr const char *SCORES = "tokenizer.ggml.scores";
constexpr const char *TOKEN_TYPE = "tokenizer.ggml.token_type";
constexpr const char *BOS_ID = "tokenizer.ggml.bos_token_id";
constexpr const char *EOS_ID = "tokenizer.ggml.eos_token_id";
constexpr const char *UNK_ID = "tokenizer.ggml.unknown_token_id";
constexpr const char *ADD_BOS = "tokenizer.ggml.add_bos_token";
constexpr const char *ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";
constexpr const char *MERGES = "tokenizer.ggml.merges";
constexpr const char *PRE = "tokenizer.ggml.pre";
constexpr const char *EOT_ID = "tokenizer.ggml.eot_token_id";
constexpr const char *EOM_ID = "tokenizer.ggml.eom_token_id";
constexpr const char *CHAT_TEMPLATE = "tokenizer.chat_template";
// ours: the layers' linears store rotated inputs (input_rotation.h)
constexpr const char *ROTATION_SEED = "llamaz.rotation.seed";
constexpr const char *ROTATION_BLOCK = "llamaz.rotation.block";
constexpr const char *ROTATION_FACTOR = "llamaz.rotation.factor";

} // namespace keys

// "<arch>.<suffix>": arch_key("llama", keys::BLOCK_COUNT) is "llama.block_count".
std::string arch_key(std::string_view arch, const char *suffix);

// Tensor names: the model's own, and each layer's, which are
// "blk.<layer>.<name>" (layer_tensor). A name plus WEIGHT is the tensor of
// weights; a linear layer may also have BIAS and INPUT_PERM (model.h).
namespace tensors {

constexpr const char *TOKEN_EMBD = "token_embd";
constexpr const char *OUTPUT_NORM = "output_norm";
constexpr const char *OUTPUT = "output";

constexpr const char *ATTN_NORM = "attn_norm";
constexpr const char *ATTN_Q = "attn_q";
constexpr const char *ATTN_K = "attn_k";
constexpr const char *ATTN_V = "attn_v";
constexpr const char *ATTN_OUTPUT = "attn_output";
constexpr const char *FFN_NORM = "ffn_norm";
constexpr const char *FFN_GATE = "ffn_gate";
constexpr const char *FFN_UP = "ffn_up";
constexpr const char *FFN_DOWN = "ffn_down";

constexpr const char *WEIGHT = ".weight";
constexpr const char *BIAS = ".bias";
constexpr const char *INPUT_PERM = ".input_perm";

} // namespace tensors

// "blk.<layer>.<name>".
std::string layer_tensor(int layer, std::string_view name);
// <name>.weight.
std::string weight(std::string_view name);
// The layer of a "blk.N." tensor name; -1 for tensors outside the layers.
long layer_of(std::string_view tensor_name);

// Reads general.architecture (which must be llama) and the llama.*
// hyperparameters, all but n_vocab, with llama.cpp's defaults for the
// optional ones (head_count_kv: head_count; rope.freq_base: 10000;
// rope.dimension_count: the head size), and checks they fit together. False
// and *error (naming the file and the key) otherwise.
bool read_hparams(const gguf_file &f, hparams *hp, std::string *error);

// Sets general.architecture, general.name, general.file_type and the keys
// read_hparams reads, in that order (the converters' files stay byte for
// byte what they were).
void write_hparams(const hparams &hp, std::string_view name, uint32_t file_type, gguf_writer *w);

} // namespace schema
} // namespace llama
