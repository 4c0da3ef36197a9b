// Names of the GGUF metadata keys of a llama model, as llama.cpp spells them
// (docs/formats.md section 3), for the loader and the converters.
#pragma once

namespace llama::keys {

constexpr const char *ARCHITECTURE = "general.architecture";
constexpr const char *NAME = "general.name";
constexpr const char *FILE_TYPE = "general.file_type";
constexpr const char *QUANTIZATION_VERSION = "general.quantization_version";
constexpr const char *ALIGNMENT = "general.alignment";

constexpr const char *CONTEXT_LENGTH = "llama.context_length";
constexpr const char *EMBEDDING_LENGTH = "llama.embedding_length";
constexpr const char *BLOCK_COUNT = "llama.block_count";
constexpr const char *FEED_FORWARD_LENGTH = "llama.feed_forward_length";
constexpr const char *HEAD_COUNT = "llama.attention.head_count";
constexpr const char *HEAD_COUNT_KV = "llama.attention.head_count_kv";
constexpr const char *RMS_EPSILON = "llama.attention.layer_norm_rms_epsilon";
constexpr const char *ROPE_DIMENSION_COUNT = "llama.rope.dimension_count";
constexpr const char *ROPE_FREQ_BASE = "llama.rope.freq_base";

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

} // namespace llama::keys
