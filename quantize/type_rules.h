// The per-tensor types of llama.cpp's presets: which weight matrices of a
// model a preset gives more (or other) bits than its main type, by role and
// layer, as llama-quantize chooses them without an importance matrix
// (llama_tensor_get_type in llama.cpp's src/llama-quant.cpp). Knows only
// names, row lengths and the model's shape, so the tests can check it on the
// shapes of large models.
#pragma once

#include "file_type.h"

#include <cstdint>
#include <string>
#include <vector>

namespace quantize {

// What of the model the rules look at.
struct model_shape {
    std::string arch;        // general.architecture
    int64_t n_layer = 0;     // <arch>.block_count
    int64_t n_head = 0;      // <arch>.attention.head_count
    int64_t n_head_kv = 0;   // <arch>.attention.head_count_kv
    bool has_output = false; // an output.weight of its own (else tied to token_embd)
};

// A weight matrix as the rules see it.
struct weight_matrix {
    std::string name;
    int64_t ne0; // row length
};

// The type of each weight (in llama.cpp's order: see written_before) under
// preset f, before fitting the rows to the type's blocks (fit_rows). With
// `pure`, every weight gets f.type, as llama-quantize --pure does.
std::vector<ggml_type> preset_types(const file_type &f, const model_shape &m,
                                    const std::vector<weight_matrix> &weights, bool pure);

// Whether llama.cpp quantizes a tensor at all: a matrix (two or more
// dimensions longer than 1) whose name ends in "weight" and is no norm.
// The others keep their type.
bool is_weight_matrix(const std::string &name, int n_dims, const int64_t *ne);

} // namespace quantize
