// What every converter writes for a llama model (docs/formats.md section 3): the
// general.* and llama.* keys, and float weights in the chosen output type.
// Shared by the source formats (llama2.c, Hugging Face with or without GPTQ).
#pragma once

#include "gguf_writer.h"
#include "schema.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace convert {

// Type of the converted weights: f32 keeps the source's values exactly; f16
// stores 2-D weights as F16 (llama.cpp's MOSTLY_F16); norms stay F32.
enum class out_type { F32, F16 };

// "f32" or "f16" (case-insensitive); false for anything else.
bool parse_out_type(std::string_view name, out_type *type);

// The llama.* hyperparameters and general.* keys (schema::write_hparams),
// with general.file_type 0 for f32 and 1 for f16.
void set_llama_metadata(const llama::hparams &hp, std::string_view name, out_type type,
                        llama::gguf_writer *w);

// Adds a float32 weight (row-major, ne[0] = row length): 1-D tensors as F32,
// others in the output type. `src` is read during w->write(), so it must
// stay valid until then (e.g. point into a mapped input file).
void add_weight(std::string name, int n_dims, const int64_t *ne, const float *src, out_type type,
                llama::gguf_writer *w);

// The same for a source read row by row: read_row(r, out) writes the ne[0]
// floats of row r (rows counted over dims 1..). Called during w->write().
using row_reader = std::function<void(int64_t row, float *out)>;
void add_weight(std::string name, int n_dims, const int64_t *ne, row_reader read_row, out_type type,
                llama::gguf_writer *w);

} // namespace convert
