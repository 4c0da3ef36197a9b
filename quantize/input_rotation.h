// Incoherence processing at quantize time (ggml/src/walsh_hadamard.h): with
// --rotate every linear layer of the transformer layers is stored as W R,
// R = diag(s) H / sqrt(b) the block Walsh-Hadamard rotation of its inputs,
// and its signs s as blk.N.<name>.input_signs, which tell the forward pass
// to rotate the input by R^T (llama/src/model.h). The rounding then sees
// rows whose large values are spread over their block.
#pragma once

#include "gguf_file.h"
#include "weight_quantizer.h"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace quantize {

struct input_rotation {
    int64_t block;              // b, a power of two
    std::vector<int32_t> signs; // one per input, 1 or -1
    // Each of nrows rows w (of signs.size() values) becomes w R.
    void rotate_rows(float *rows, int64_t nrows) const;
    // h (n x n, row-major, of inputs x) becomes R^T h R, that of R^T x.
    void rotate_hessian(std::vector<double> *h) const;
};

// The block of the rotation of n inputs: the largest power of two that
// divides n, at most 64 (on SmolLM2-135M, blocks of up to 512 measured no
// better).
int64_t rotation_block(int64_t n);

// The rotations of a model's layer linears: one per layer and input, shared
// by the linears that read it (q, k and v; gate and up), so that the forward
// pass rotates that input once. The signs come from seed alone.
class model_rotations {
  public:
    model_rotations() = default; // none
    model_rotations(const llama::gguf_file &in, uint64_t seed);

    // The rotation of the weight `name` ("blk.N.<name>.weight"), or nullptr.
    const input_rotation *of(std::string_view name) const;
    bool empty() const { return by_weight_.empty(); }
    // blk.N.<name>.input_signs of every rotated weight: I32 [b, n / b]
    std::vector<added_tensor> tensors() const;

  private:
    std::map<std::string, std::shared_ptr<const input_rotation>, std::less<>> by_weight_;
};

// Rounds what `inner` rounds, the rotated weights rotated first; adds the
// rotations' signs to the file.
class rotating_quantizer final : public weight_quantizer {
  public:
    rotating_quantizer(const weight_quantizer &inner, const model_rotations &rotations)
        : inner_(inner), rotations_(rotations) {}
    void quantize(const float_rows &w, ggml_type type, void *dst, int n_threads) const override;
    bool transforms(std::string_view name) const override { return rotations_.of(name); }
    std::vector<added_tensor> added_tensors() const override;

  private:
    const weight_quantizer &inner_;
    const model_rotations &rotations_;
};

} // namespace quantize
