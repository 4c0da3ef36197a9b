// `bench -m MODEL` / `bench --random SHAPE`: prompt processing and generation
// speed of a whole model, like llama.cpp's llama-bench, with generation's
// effective bandwidth next to the machine's read bandwidth.
#pragma once

#include "ggml.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

struct model_options {
    std::string model;        // a GGUF file, or
    std::string random_shape; // a preset (15M, 110M, 1.1B, 7B) of random weights
    ggml_type random_type = GGML_TYPE_Q4_0;
    int32_t n_prompt = 512; // tokens of the prompt-processing test (0: skip)
    int32_t n_gen = 128;    // tokens of the generation test (0: skip)
    std::vector<int32_t> threads{1, 2};
    int32_t reps = 5;
    std::string output = "md"; // md, csv or json
};

// Prints the table to stdout; returns a process exit code.
int run_model_bench(const model_options &opt);

} // namespace bench
