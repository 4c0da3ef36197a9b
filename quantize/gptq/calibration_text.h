// The calibration data of GPTQ: random segments of a tokenized text, picked
// as the reference GPTQ code (IST-DASLab's datautils) picks them, so that the
// same text, length and seed give the same segments as a reference run.
#pragma once

#include "llama.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace quantize {

// The whole file tokenized once with BOS in front (as the reference
// tokenizes its text); nullopt and *error if it cannot be read.
std::optional<std::vector<llama_token>> tokenize_file(const llama_model *model,
                                                      const std::string &path, std::string *error);

// n segments of `length` tokens: segment k starts at the k-th draw of
// Python's random.randint(0, tokens.size() - length - 1) after
// random.seed(seed). Needs tokens.size() > length.
std::vector<std::vector<llama_token>> sample_segments(const std::vector<llama_token> &tokens, int n,
                                                      int length, uint32_t seed);

} // namespace quantize
