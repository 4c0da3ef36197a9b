// general.file_type: the type most weights of a model file have. ggml's
// types use llama.cpp's numbering (enum llama_ftype) so that its tools name
// our files correctly; the project's own types get ids llama.cpp cannot
// mistake for one of its own.
#pragma once

#include "ggml.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace quantize {

struct file_type {
    ggml_type type;
    uint32_t id;
    const char *about; // for -h
};

// Every type a model file can be quantized to, with its id.
std::span<const file_type> file_types();

// The id of a file whose weights are mostly `type`; nullopt for a type no
// model is made of (Q8_1 and I32).
std::optional<uint32_t> file_type_of(ggml_type type);

// One of file_types() by name, case-insensitive ("q4_z"); nullopt otherwise.
std::optional<ggml_type> file_type_from_name(const std::string &name);
// "F32, F16, ..." for messages.
std::string file_type_names();

} // namespace quantize
