// The step that turns one weight matrix into blocks of a type, behind an
// interface so that methods other than rounding can take its place.
#pragma once

#include "ggml.h"
#include "gguf_file.h"
#include "imatrix/importance_matrix.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quantize {

// A weight matrix as floats, row-major: nrows rows of n_per_row values.
struct float_rows {
    std::string_view name; // the tensor's, e.g. "blk.0.attn_q.weight"
    const float *data;
    int64_t nrows;
    int64_t n_per_row;
};

// A tensor that a method adds to the model besides the planned ones, such
// as GPTQ's blk.N.<name>.input_perm (see llama/src/model.h).
struct added_tensor {
    std::string name;
    ggml_type type;
    std::vector<int64_t> ne;
    const void *data; // valid while the weight_quantizer that made it lives
};

// A metadata key that a method adds, such as --rotate's llamaz.rotation.seed.
struct added_key {
    std::string key;
    uint32_t value;
};

// How a weight matrix becomes blocks. round_to_nearest is ggml's way;
// gptq_quantizer (gptq_model.h) hands out what GPTQ made of the linear
// layers during its calibration run (looked up by w.name) and passes the
// other tensors, such as the embedding, to round_to_nearest. The plan, the
// threads and the writing stay as they are.
class weight_quantizer {
  public:
    virtual ~weight_quantizer() = default;
    // Writes w.nrows * ggml_row_size(type, w.n_per_row) bytes to dst; the
    // block size of `type` divides w.n_per_row. The bytes must not depend on
    // n_threads.
    virtual void quantize(const float_rows &w, ggml_type type, void *dst, int n_threads) const = 0;
    // The tensors the method adds, written with the others in their order.
    virtual std::vector<added_tensor> added_tensors() const { return {}; }
    // The metadata keys the method adds.
    virtual std::vector<added_key> added_keys() const { return {}; }
    // Whether the method changes the values of tensor `name` (not only their
    // type), so that it must go through quantize even into its own type.
    virtual bool transforms(std::string_view /*name*/) const { return false; }
};

// Each block rounded on its own by ggml's reference quantizers
// (ggml_quantize_rows): byte for byte what llama.cpp writes for its types.
// With an importance matrix, the types with a scale search
// (ggml_quantize_uses_importance) weight it by the importance of each
// column of the weights that have an entry (ggml_quantize_rows_weighted).
class round_to_nearest final : public weight_quantizer {
  public:
    explicit round_to_nearest(const importance_matrix *importance = nullptr)
        : importance_(importance) {}
    void quantize(const float_rows &w, ggml_type type, void *dst, int n_threads) const override;

  private:
    const importance_matrix *importance_;
};

// The bytes the writer stores for t as `type` with quantizer q: t's own when
// it is of that type and q does not transform it, else q's into *buffer.
const void *stored_bytes(const llama::gguf_tensor &t, ggml_type type, const weight_quantizer &q,
                         int n_threads, std::vector<uint8_t> *buffer);

} // namespace quantize
