#include "gptq/layer_calibration.h"

#include "weight_quantizer.h"

#include <cstring>
#include <new>
#include <numeric>
#include <stdexcept>

namespace quantize {

layer_calibration::layer_calibration(const llama::hparams &hp, int32_t n_tokens,
                                     std::vector<std::vector<float>> hidden, int n_threads)
    : hp_(hp), n_tokens_(n_tokens), hidden_(std::move(hidden)),
      pool_(ggml_threadpool_new(n_threads)), planner_(ggml_planner_new(true)) {
    // F32 keys and values: calibration wants the layer's own precision, and
    // the cache holds one segment
    std::string error;
    if (!pool_ || !planner_)
        error = "cannot start " + std::to_string(n_threads) + " threads for the calibration";
    if (error.empty()) kv_.init(hp, uint32_t(n_tokens), GGML_TYPE_F32, &error);
    if (!error.empty()) {
        ggml_threadpool_free(pool_);
        ggml_planner_free(planner_);
        throw std::runtime_error(error);
    }
    const size_t n_tensors = llama::layer_graph_size();
    arena_.resize(ggml_tensor_overhead() * n_tensors + ggml_graph_overhead(n_tensors));
}

layer_calibration::~layer_calibration() {
    ggml_threadpool_free(pool_);
    ggml_planner_free(planner_);
}

void layer_calibration::run(
    const llama::layer &l, int il,
    const std::function<ggml_tensor *(ggml_context *, const llama::layer_graph &)> &wanted,
    const std::function<void(size_t, const llama::layer_graph &, ggml_tensor *)> &read) {
    std::vector<int32_t> positions(static_cast<size_t>(n_tokens_));
    std::iota(positions.begin(), positions.end(), 0);
    for (size_t s = 0; s < hidden_.size(); s++) {
        ggml_context *ctx = ggml_init({arena_.size(), arena_.data(), true});
        const llama::layer_graph lg = llama::build_layer(ctx, hp_, l, il, kv_, n_tokens_);
        ggml_tensor *result = wanted(ctx, lg);
        ggml_set_output(result);
        ggml_build_forward_expand(lg.graph, result);
        if (!ggml_planner_alloc_graph(planner_, lg.graph)) {
            ggml_free(ctx);
            throw std::runtime_error("cannot allocate memory for the calibration graph of layer " +
                                     std::to_string(il));
        }
        std::memcpy(lg.input->data, hidden_[s].data(), hidden_[s].size() * sizeof(float));
        std::memcpy(lg.positions->data, positions.data(), positions.size() * sizeof(int32_t));
        if (!ggml_graph_compute(lg.graph, pool_)) {
            ggml_free(ctx);
            throw std::bad_alloc();
        }
        read(s, lg, result);
        ggml_free(ctx);
        if (on_segment) on_segment();
    }
}

std::vector<double> layer_calibration::hessian(const llama::layer &l, int il, input_of input) {
    std::vector<double> h;
    // x x^T summed over a segment's tokens, by the thread pool: the tokens
    // made the inner dimension of a product of the inputs with themselves
    const auto outer_products = [&](ggml_context *ctx, const llama::layer_graph &lg) {
        ggml_tensor *xt = ggml_cont(ctx, ggml_transpose(ctx, lg.inputs.*input)); // [n_tokens, n]
        return ggml_mul_mat(ctx, xt, xt);                                        // [n, n]
    };
    const auto add = [&](size_t, const llama::layer_graph &, ggml_tensor *xxt) {
        const auto *sum = static_cast<const float *>(xxt->data);
        h.resize(size_t(ggml_nelements(xxt)), 0.0);
        for (size_t i = 0; i < h.size(); i++) h[i] += double(sum[i]);
    };
    run(l, il, outer_products, add);
    const double scale = 2.0 / (double(n_tokens_) * double(hidden_.size()));
    for (double &v : h) v *= scale;
    return h;
}

void layer_calibration::advance(const llama::layer &l, int il, const std::vector<input_of> &inputs,
                                const input_observer &seen) {
    std::vector<ggml_tensor *> copies(inputs.size()); // contiguous, kept to be read
    const auto output = [&](ggml_context *ctx, const llama::layer_graph &lg) {
        for (size_t i = 0; i < inputs.size(); i++) {
            copies[i] = ggml_cont(ctx, lg.inputs.*inputs[i]);
            ggml_set_output(copies[i]);
            ggml_build_forward_expand(lg.graph, copies[i]);
        }
        return lg.output;
    };
    run(l, il, output, [&](size_t s, const llama::layer_graph &, ggml_tensor *out) {
        for (size_t i = 0; i < inputs.size(); i++)
            seen(inputs[i], static_cast<const float *>(copies[i]->data), copies[i]->ne[0]);
        std::memcpy(hidden_[s].data(), out->data, hidden_[s].size() * sizeof(float));
    });
}

std::string transformed_inputs(const llama::gguf_file &in, const std::string &advice) {
    for (const llama::gguf_tensor &t : in.tensors())
        if (t.name.ends_with(llama::schema::tensors::INPUT_PERM))
            return in.path() + ": tensor '" + t.name +
                   "': the model stores permuted inputs already (a GPTQ import); " + advice;
    for (const llama::gguf_kv &kv : in.metadata())
        if (kv.key == llama::schema::keys::ROTATION_SEED)
            return in.path() + ": key '" + kv.key +
                   "': the model stores rotated inputs already (quantize --rotate); " + advice;
    return "";
}

std::string linear_weight_name(int il, const char *name) {
    return llama::schema::weight(llama::schema::layer_tensor(il, name));
}

std::vector<std::vector<float>>
segment_embeddings(const llama::gguf_tensor &embd, ggml_type type,
                   const std::vector<std::vector<llama_token>> &segments, int n_threads) {
    std::vector<uint8_t> buffer;
    const auto *rows = static_cast<const uint8_t *>(
        stored_bytes(embd, type, round_to_nearest(), n_threads, &buffer));
    const int64_t n_embd = embd.ne[0];
    const size_t row_size = ggml_row_size(type, n_embd);
    std::vector<std::vector<float>> hidden;
    for (const std::vector<llama_token> &segment : segments) {
        std::vector<float> h(segment.size() * size_t(n_embd));
        for (size_t i = 0; i < segment.size(); i++)
            ggml_dequantize_row(type, rows + size_t(segment[i]) * row_size,
                                h.data() + i * size_t(n_embd), n_embd);
        hidden.push_back(std::move(h));
    }
    return hidden;
}

} // namespace quantize
