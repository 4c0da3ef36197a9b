// A Hugging Face llama checkpoint folder (config.json, *.safetensors sharded
// or not, tokenizer.model or else tokenizer.json), float or GPTQ-quantized,
// converted to a llama GGUF with llama.cpp's keys and tensor names.
//
// What the conversion does to the weights:
// - Q and K rows are permuted from Hugging Face's RoPE layout (each head
//   rotates its two halves) to GGUF's (adjacent pairs), as llama.cpp's
//   convert_hf_to_gguf.py does; biases of Q and K likewise.
// - GPTQ layers become Q4_Z / Q3_Z, or Q4_Z128 / Q3_Z128 (gptq_import.h). When a layer's inputs are
//   stored in group order, the order is written as blk.N.<name>.input_perm
//   (I32 [n_in]), except for ffn_down, whose order is folded into the rows of
//   ffn_gate and ffn_up: the SwiGLU hidden vector is element-wise, so
//   permuting those rows permutes it.
// - Linear biases become blk.N.<name>.bias (F32 [n_out]).
// - The embedding and other float weights go to F32 or F16 (--outtype), norms
//   and biases always to F32. The classifier is left out when it is tied to
//   the embedding (tie_word_embeddings, or no lm_head.weight).
#pragma once

#include "checkpoints/hf_config.h"
#include "checkpoints/safetensors.h"
#include "gguf_writer.h"
#include "llama_gguf_out.h"
#include "vocab.h"

#include <memory>
#include <string>

namespace convert {

class hf_checkpoint {
  public:
    // Reads config.json, the safetensors header(s) and the tokenizer:
    // tokenizer.model (SentencePiece) when there is one, else tokenizer.json
    // (byte-level BPE, hf_tokenizer.h).
    static std::unique_ptr<hf_checkpoint> open(const std::string &dir, std::string *error);

    const hf_config &config() const { return config_; }
    const llama::vocab &vocab() const { return vocab_; }

    // Checks every tensor (names, dtypes, shapes, GPTQ layers) and fills the
    // writer; the tensors are read from the mapped files during w->write(),
    // so the checkpoint must outlive it. Tensors the conversion does not
    // know are an error, so nothing is dropped silently.
    bool add_to(const std::string &name, out_type type, llama::gguf_writer *w,
                std::string *error) const;

  private:
    std::string dir_;
    hf_config config_{};
    std::unique_ptr<safetensors_set> tensors_;
    llama::vocab vocab_;
};

} // namespace convert
