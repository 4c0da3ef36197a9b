// Incoherence processing at quantize time (ggml/src/walsh_hadamard.h): with
// --rotate every linear layer of the transformer layers is stored as W R,
// R = diag(s) H^T / sqrt(b) the block Hadamard rotation of its inputs, and
// the file says so with llamaz.rotation.seed, .block and .factor,
// from which the loader derives the same b and s (llama/src/input_rotation.h)
// and the forward pass rotates each input by R^T. The rounding then sees
// rows whose large values are spread over their block.
#pragma once

#include "gguf_file.h"
#include "input_rotation.h" // llama's: the signs and blocks of a seed
#include "weight_quantizer.h"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace quantize {

struct input_rotation {
    int64_t block;              // b, an order ggml_hadamard has
    std::vector<int32_t> signs; // one per input, 1 or -1
    // Each of nrows rows w (of signs.size() values) becomes w R.
    void rotate_rows(float *rows, int64_t nrows) const;
    // h (n x n, row-major, of inputs x) becomes R^T h R, that of R^T x.
    void rotate_hessian(std::vector<double> *h) const;
};

// The blocks --rotate writes: each input's is the largest divisor of its size,
// up to the largest block, that has a Hadamard matrix with a Paley factor up
// to 256 (ggml_hadamard_factor). By default up to 64: on SmolLM2-135M
// blocks of 512 and whole rows (576, 1536) measured no better, and cost
// generation time.
constexpr int64_t ROTATION_DEFAULT_BLOCK = 64, ROTATION_MAX_BLOCK = 1 << 16,
                  ROTATION_MAX_FACTOR = 256;

// The rotations of a model's layer linears: one per layer and input, shared
// by the linears that read it (q, k and v; gate and up), so that the forward
// pass rotates that input once. The signs come from seed alone.
class model_rotations {
  public:
    model_rotations() = default; // none
    model_rotations(const llama::gguf_file &in, uint32_t seed,
                    int64_t max_block = ROTATION_DEFAULT_BLOCK);

    // The rotation of the weight `name` ("blk.N.<name>.weight"), or nullptr.
    const input_rotation *of(std::string_view name) const;
    // the keys that tell the loader: none without rotations
    std::vector<added_key> keys() const;

  private:
    uint32_t seed_ = 0;
    int64_t max_block_ = 0;
    std::map<std::string, std::shared_ptr<const input_rotation>, std::less<>> by_weight_;
};

// Rounds what `inner` rounds, the rotated weights rotated first; adds the
// rotations' keys.
class rotating_quantizer final : public weight_quantizer {
  public:
    rotating_quantizer(const weight_quantizer &inner, const model_rotations &rotations)
        : inner_(inner), rotations_(rotations) {}
    void quantize(const float_rows &w, ggml_type type, void *dst, int n_threads) const override;
    bool transforms(std::string_view name) const override { return rotations_.of(name); }
    std::vector<added_tensor> added_tensors() const override { return inner_.added_tensors(); }
    std::vector<added_key> added_keys() const override { return rotations_.keys(); }

  private:
    const weight_quantizer &inner_;
    const model_rotations &rotations_;
};

} // namespace quantize
