// The calibration data of GPTQ: random segments of a tokenized text, picked
// as the reference GPTQ code (IST-DASLab's datautils) picks them, so that the
// same text, length and seed give the same segments as a reference run.
#pragma once

#include "llama.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quantize {

struct model_deleter {
    void operator()(llama_model *m) const { llama_model_free(m); }
};
using model_ptr = std::unique_ptr<llama_model, model_deleter>;

// The whole file tokenized once with BOS in front (as the reference
// tokenizes its text); nullopt and *error if it cannot be read.
std::optional<std::vector<llama_token>> tokenize_file(const llama_model *model,
                                                      const std::string &path, std::string *error);

// n segments of `length` tokens: segment k starts at the k-th draw of
// Python's random.randint(0, tokens.size() - length - 1) after
// random.seed(seed). Needs tokens.size() > length.
std::vector<std::vector<llama_token>> sample_segments(const std::vector<llama_token> &tokens, int n,
                                                      int length, uint32_t seed);

// The first n (all when n < 0) consecutive chunks of `length` tokens, each
// starting with BOS when the model adds one (its first token replaced), as
// llama.cpp's perplexity and imatrix tools cut their text.
std::vector<std::vector<llama_token>> consecutive_chunks(const llama_model *model,
                                                         const std::vector<llama_token> &tokens,
                                                         int n, int length);

} // namespace quantize
