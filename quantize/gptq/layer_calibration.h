// Calibration segments run through a model one transformer layer at a time,
// through the forward pass's own layer graph (llama::build_layer), so that
// a quantizer can replace a layer's weights between passes and see what its
// linear layers then read.
#pragma once

#include "forward.h"
#include "gguf_file.h"
#include "schema.h"

#include <functional>
#include <utility>
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
    // What the linears reading `input` read in one segment: x holds n_tokens
    // rows of n floats (a row per token).
    using input_observer = std::function<void(input_of input, const float *x, int64_t n)>;
    // Runs layer il with weights l over every segment; its outputs become
    // the hidden states for the next layer. Each of `inputs` of every
    // segment is passed to `seen` on the way.
    void advance(const llama::layer &l, int il, const std::vector<input_of> &inputs = {},
                 const input_observer &seen = nullptr);
    int32_t n_tokens() const { return n_tokens_; }

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

// The linears that read one input (quantized together from its Hessian by
// GPTQ), and their GGUF names.
struct linear_group {
    layer_calibration::input_of input;
    std::vector<std::pair<llama::linear llama::layer::*, const char *>> linears;
};

// In the order the forward pass reads them.
namespace linear_names = llama::schema::tensors;
inline const linear_group LINEAR_GROUPS[] = {
    {&llama::linear_inputs::attn,
     {{&llama::layer::wq, linear_names::ATTN_Q},
      {&llama::layer::wk, linear_names::ATTN_K},
      {&llama::layer::wv, linear_names::ATTN_V}}},
    {&llama::linear_inputs::attn_output, {{&llama::layer::wo, linear_names::ATTN_OUTPUT}}},
    {&llama::linear_inputs::ffn,
     {{&llama::layer::w_gate, linear_names::FFN_GATE},
      {&llama::layer::w_up, linear_names::FFN_UP}}},
    {&llama::linear_inputs::ffn_down, {{&llama::layer::w_down, linear_names::FFN_DOWN}}},
};

// Why the model `in` cannot be calibrated, followed by `advice`, when its
// linears store their columns permuted (a GPTQ import's input_perm) or
// rotated (quantize --rotate's llamaz.rotation keys); "" when they do not.
std::string transformed_inputs(const llama::gguf_file &in, const std::string &advice);

// "blk.N.<name>.weight"
std::string linear_weight_name(int il, const char *name);

// The residual stream entering the first layer: each segment's token
// embeddings as the model will store them, embd as `type` (rounded to
// nearest when that is not its type).
std::vector<std::vector<float>>
segment_embeddings(const llama::gguf_tensor &embd, ggml_type type,
                   const std::vector<std::vector<llama_token>> &segments, int n_threads);

} // namespace quantize
