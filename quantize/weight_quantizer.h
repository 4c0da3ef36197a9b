// The step that turns one weight matrix into blocks of a type, behind an
// interface so that methods other than rounding can take its place.
#pragma once

#include "ggml.h"

#include <cstdint>
#include <string_view>

namespace quantize {

// A weight matrix as floats, row-major: nrows rows of n_per_row values.
struct float_rows {
    std::string_view name; // the tensor's, e.g. "blk.0.attn_q.weight"
    const float *data;
    int64_t nrows;
    int64_t n_per_row;
};

// How a weight matrix becomes blocks. round_to_nearest is ggml's way; GPTQ
// will be another implementation, made with the Hessians of its calibration
// run (looked up by w.name; tensors it has none for, such as the embedding,
// it can hand to round_to_nearest), quantizing column by column with error
// compensation. The plan, the threads and the writing stay as they are.
class weight_quantizer {
  public:
    virtual ~weight_quantizer() = default;
    // Writes w.nrows * ggml_row_size(type, w.n_per_row) bytes to dst; the
    // block size of `type` divides w.n_per_row. The bytes must not depend on
    // n_threads.
    virtual void quantize(const float_rows &w, ggml_type type, void *dst, int n_threads) const = 0;
};

// Each block rounded on its own by ggml's reference quantizers
// (ggml_quantize_rows): byte for byte what llama.cpp writes for its types.
class round_to_nearest final : public weight_quantizer {
  public:
    void quantize(const float_rows &w, ggml_type type, void *dst, int n_threads) const override;
};

} // namespace quantize
