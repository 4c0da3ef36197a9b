// Writing a quantized model: the input's metadata and the planned tensors.
#pragma once

#include "gguf.h"
#include "tensor_plan.h"
#include "weight_quantizer.h"

#include <string>

namespace quantize {

// Writes `out` through its temporary file (llama::gguf_writer::temp_path),
// renamed only when complete: all metadata of `in` in its order, then
// general.quantization_version = 2 and general.file_type the plan's (last,
// as llama.cpp writes them),
// then the tensors in the plan's order and types, converted by `quantizer`
// with n_threads (tensors already of their type are copied), with the
// quantizer's added tensors among them in the same order. Reports
// progress on stderr. Returns false and *error on failure, leaving no file;
// a weight that is not finite throws std::runtime_error naming its tensor,
// row and element, also leaving no file.
bool write_quantized(const llama::gguf_file &in, const quantize_plan &plan,
                     const weight_quantizer &quantizer, int n_threads, const std::string &out,
                     std::string *error);

} // namespace quantize
