// Which type each tensor of a model gets, decided before anything is written
// so that every problem is reported up front, in the order llama.cpp writes
// tensors.
#pragma once

#include "gguf.h"

#include <optional>
#include <string>
#include <vector>

namespace quantize {

// How the type of one special tensor (the token embedding, the output
// matrix) is chosen: by the default rule, kept as in the input, or given.
struct type_override {
    enum class mode { DEFAULT, KEEP, SET };
    mode how = mode::DEFAULT;
    ggml_type type = GGML_TYPE_F32; // when SET
};

struct plan_options {
    ggml_type type = GGML_TYPE_Q8_0; // of most weights; one of file_types()
    type_override embd;              // token_embd.weight
    type_override output;            // output.weight
    bool allow_requantize = false;
};

struct planned_tensor {
    const llama::gguf_tensor *source;
    ggml_type type; // in the output; the same as the source's: copied as is
};

struct quantize_plan {
    std::vector<planned_tensor> tensors; // in the order to write them
    uint32_t file_type;                  // general.file_type
    // What the user should know: tensors that fell back to F16, how many
    // were quantized already (and the first of them), options without
    // effect.
    std::vector<std::string> notes;
    std::vector<std::string> fell_back; // names of the tensors stored as F16 instead
};

// Types: I32 tensors (indices) as they are; 1-D tensors (norms, biases) F32;
// token_embd.weight and output.weight as their override says, by default Q8_0
// when `type` is quantized and `type` otherwise; the rest `type`. A tensor
// whose rows don't fit the chosen type's blocks is stored as F16. Converting
// an already quantized tensor to another type needs allow_requantize. Returns
// nullopt and *error when the file cannot be quantized so.
std::optional<quantize_plan> plan_quantization(const llama::gguf_file &in, const plan_options &o,
                                               std::string *error);

// llama.cpp's order: tensors outside the layers first, then layer by layer
// (blk.N by number), by name within each.
bool written_before(const std::string &a, const std::string &b);

} // namespace quantize
