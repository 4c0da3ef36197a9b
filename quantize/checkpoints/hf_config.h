// config.json of a Hugging Face llama checkpoint (transformers' LlamaConfig)
// and, for GPTQ checkpoints, its quantization settings.
#pragma once

#include "checkpoints/gptq_import.h"

#include <cstdint>
#include <optional>
#include <string>

namespace convert {

struct hf_config {
    int32_t vocab_size;
    int32_t hidden_size;
    int32_t intermediate_size;
    int32_t num_hidden_layers;
    int32_t num_attention_heads;
    int32_t num_key_value_heads;     // = num_attention_heads when absent
    int32_t max_position_embeddings; // the GGUF context length
    float rms_norm_eps;
    float rope_theta;
    bool tie_word_embeddings; // lm_head is the embedding
    std::optional<int32_t> bos_token_id, eos_token_id;
    // GPTQ settings: config.json's quantization_config, else
    // quantize_config.json; absent for a float checkpoint.
    std::optional<gptq_config> gptq;

    int32_t head_dim() const { return hidden_size / num_attention_heads; }
};

// Reads DIR/config.json (and DIR/quantize_config.json when config.json has
// no quantization_config). Refuses what the llama runtime cannot reproduce,
// naming the setting: another model_type, an activation other than silu,
// rope_scaling, a head_dim other than hidden_size / num_attention_heads,
// attention or MLP settings that do not divide, and (through
// read_gptq_config) unsupported quantization settings.
bool read_hf_config(const std::string &dir, hf_config *out, std::string *error);

} // namespace convert
