// Computing an importance matrix: calibration text through the model, as
// llama.cpp's llama-imatrix computes it, so that the two agree (up to float
// rounding) on the same model and text.
#pragma once

#include "gguf_file.h"
#include "imatrix/importance_matrix.h"

#include <optional>
#include <string>

namespace quantize {

struct imatrix_options {
    std::string text_path; // the calibration text
    int ctx = 512;         // tokens per chunk
    int chunks = -1;       // chunks to run, from the start of the text; -1: all
};

// Tokenizes the text (BOS in front when the model adds one), cuts it into
// consecutive chunks of o.ctx tokens each starting with BOS (when the model
// adds one), runs them through the model `in` (which must load with
// llama_model_load) layer by layer, and sums the square of every input of
// every linear layer of the transformer blocks (attn_q/k/v, attn_output,
// ffn_gate/up, ffn_down; not the output matrix, which llama.cpp leaves out
// too) over all tokens of all chunks. Prints a progress bar per layer on
// stderr. nullopt and *error on failure.
std::optional<importance_matrix> collect_importance(const llama::gguf_file &in,
                                                    const imatrix_options &o, int n_threads,
                                                    std::string *error);

} // namespace quantize
