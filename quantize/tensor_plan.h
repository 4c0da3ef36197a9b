// Which type each tensor of a model gets, decided before anything is written
// so that every problem is reported up front, in the order llama.cpp writes
// tensors.
#pragma once

#include "file_type.h"
#include "gguf.h"

#include <optional>
#include <string>
#include <vector>

namespace quantize {

// How the type of one special tensor (the token embedding, the output
// matrix) is chosen: by the preset's rules, kept as in the input, or given.
struct type_override {
    enum class mode { DEFAULT, KEEP, SET };
    mode how = mode::DEFAULT;
    ggml_type type = GGML_TYPE_F32; // when SET
};

struct plan_options {
    const file_type *preset = nullptr; // what to make of the model (file_types())
    type_override embd;                // token_embd.weight
    type_override output;              // output.weight
    bool allow_requantize = false;
    bool pure = false; // every weight matrix of the preset's type, no per-tensor rules
};

struct planned_tensor {
    const llama::gguf_tensor *source;
    ggml_type type; // in the output; the same as the source's: copied as is
};

struct quantize_plan {
    std::vector<planned_tensor> tensors; // in the order to write them
    uint32_t file_type;                  // general.file_type
    // What the user should know: tensors whose rows did not fit their type,
    // how many were quantized already (and the first of them), options
    // without effect.
    std::vector<std::string> notes;
    std::vector<std::string> fell_back; // "name (TYPE)" of the tensors stored so instead
};

// Types: I32 tensors (indices) as they are; 1-D tensors (norms, biases) F32;
// weight matrices as the preset's rules (type_rules.h) or an override say;
// other tensors as they are. A tensor whose rows don't fit the chosen type's
// blocks gets llama.cpp's fallback (llama/src/type_fallback.h). Converting
// an already quantized tensor to another type needs allow_requantize.
// Returns nullopt and *error when the file cannot be quantized so.
std::optional<quantize_plan> plan_quantization(const llama::gguf_file &in, const plan_options &o,
                                               std::string *error);

// llama.cpp's order: tensors outside the layers first, then layer by layer
// (blk.N by number), by name within each.
bool written_before(const std::string &a, const std::string &b);

} // namespace quantize
