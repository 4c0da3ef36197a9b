// GPTQ over a whole model: the calibration text runs through the model layer
// by layer; each layer's linears are quantized in the order the forward pass
// reads them (q, k, v; then o; then gate, up; then down), each group from the
// Hessian of its inputs as computed with everything before it quantized
// already, so that later layers compensate what earlier ones lost.
#pragma once

#include "gguf_file.h"
#include "gptq/gptq_solver.h"
#include "tensor_plan.h"
#include "weight_quantizer.h"
#include "weight_rotation.h"

#include <map>
#include <memory>
#include <string>

namespace quantize {

struct gptq_options {
    gptq_settings settings; // settings.type is ignored: each linear's planned type
    std::string calib_path; // the calibration text
    int chunks = 64;        // random segments of it
    int ctx = 256;          // tokens per segment
    uint32_t seed = 0;      // of the segments' positions
};

// What GPTQ made of the linear layers, handed out by tensor name; the other
// tensors (embedding, output, norms, rows that fell back to F16) are
// rounded to nearest as the plan says.
class gptq_quantizer final : public weight_quantizer {
  public:
    // Calibrates and quantizes every linear layer of `in` whose planned type
    // GPTQ can quantize to (gptq_can_quantize) and differs from its type in
    // `in`; those with a rotation as rotated (W R from the Hessian of R^T x),
    // which is what quantize() then hands out, whatever weights it is given
    // (rotating_quantizer gives it the same ones). The model must
    // load with llama_model_load and have no input perms of its own. Prints
    // a progress bar per layer on stderr. nullptr and *error on failure.
    static std::unique_ptr<gptq_quantizer> run(const llama::gguf_file &in,
                                               const quantize_plan &plan, const gptq_options &o,
                                               const model_rotations &rotations, int n_threads,
                                               std::string *error);

    void quantize(const float_rows &w, ggml_type type, void *dst, int n_threads) const override;
    // blk.N.<name>.input_perm of every weight whose inputs act-order reordered
    std::vector<added_tensor> added_tensors() const override;

  private:
    std::map<std::string, gptq_matrix> results_; // by weight name, "blk.N.<name>.weight"
    round_to_nearest rest_;
};

} // namespace quantize
