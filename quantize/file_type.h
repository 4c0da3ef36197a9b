// What quantize can make of a model: llama.cpp's presets (file types) by
// name, each with the type most weights get and general.file_type. ggml's
// types and presets use llama.cpp's numbering (enum llama_ftype) so that its
// tools name our files correctly; the project's own types get ids llama.cpp
// cannot mistake for one of its own. Which tensors of a preset get other
// types is type_rules.h's job.
#pragma once

#include "ggml.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace quantize {

struct file_type {
    const char *name;  // "Q4_K_M"
    ggml_type type;    // most weights
    uint32_t id;       // general.file_type
    const char *about; // for -h
};

// Every preset, in the order -h lists them.
std::span<const file_type> file_types();

// A preset by name, case-insensitive, or one of llama-quantize's aliases
// (Q3_K, Q4_K, Q5_K for the _M mixes); null otherwise.
const file_type *file_type_named(const std::string &name);

// The id of the preset named like `type` (F32, F16, Q4_Z, ...): a file whose
// weights are all of that type; nullopt when there is none.
std::optional<uint32_t> file_type_of(ggml_type type);

// "F32, F16, ..." for messages.
std::string file_type_names();

} // namespace quantize
