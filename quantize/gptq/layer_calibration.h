// Calibration segments run through a model one transformer layer at a time,
// through the forward pass's own layer graph (llama::build_layer), so that
// a quantizer can replace a layer's weights between passes and see what its
// linear layers then read.
#pragma once

#include "forward.h"

#include <functional>
#include <vector>

namespace quantize {

class layer_calibration {
  public:
    // hidden[k]: the residual stream of segment k entering the first layer
    // to run, n_tokens x n_embd floats (a row per token). Every segment has
    // n_tokens tokens at positions 0.. of its own sequence.
    layer_calibration(const llama::hparams &hp, int32_t n_tokens,
                      std::vector<std::vector<float>> hidden, int n_threads);
    ~layer_calibration();
    layer_calibration(const layer_calibration &) = delete;
    layer_calibration &operator=(const layer_calibration &) = delete;

    // H = 2/N sum x x^T over the N tokens of all segments, x being what the
    // linears reading `input` read in layer il with weights l (the layer's
    // input as it stands, which hidden() holds); n x n, row-major.
    using input_of = ggml_tensor *llama::linear_inputs::*;
    std::vector<double> hessian(const llama::layer &l, int il, input_of input);
    // Runs layer il with weights l over every segment; its outputs become
    // the hidden states for the next layer.
    void advance(const llama::layer &l, int il);

    const std::vector<float> &hidden(size_t segment) const { return hidden_[segment]; }
    size_t n_segments() const { return hidden_.size(); }
    // Called after each segment of a pass (for a progress bar).
    std::function<void()> on_segment;

  private:
    // Runs layer il on each segment, computing what wanted() picks from its
    // graph (and only what that needs), and calls read(segment, graph,
    // result) after each.
    void run(const llama::layer &l, int il,
             const std::function<ggml_tensor *(ggml_context *, const llama::layer_graph &)> &wanted,
             const std::function<void(size_t, const llama::layer_graph &, ggml_tensor *)> &read);

    llama::hparams hp_;
    int32_t n_tokens_;
    std::vector<std::vector<float>> hidden_;
    llama::kv_cache kv_;
    ggml_threadpool *pool_;
    ggml_planner *planner_;
    std::vector<uint8_t> arena_; // tensor headers and graph of one segment
};

} // namespace quantize
