#include "imatrix/collect_importance.h"

#include "gptq/calibration_text.h"
#include "gptq/layer_calibration.h"
#include "model.h"
#include "progress_bar.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace quantize {

std::optional<importance_matrix> collect_importance(const llama::gguf_file &in,
                                                    const imatrix_options &o, int n_threads,
                                                    std::string *error) {
    *error = transformed_inputs(in, "compute the importance matrix of the float model");
    if (!error->empty()) return std::nullopt;
    const model_ptr model(llama_model_load(in.path().c_str()));
    if (!model) {
        *error = llama_last_error();
        return std::nullopt;
    }
    const std::optional<std::vector<llama_token>> tokens =
        tokenize_file(model.get(), o.text_path, error);
    if (!tokens) return std::nullopt;
    const std::vector<std::vector<llama_token>> chunks =
        consecutive_chunks(model.get(), *tokens, o.chunks, o.ctx);
    if (chunks.empty()) {
        *error = o.text_path + ": the text has " + std::to_string(tokens->size()) +
                 " tokens, fewer than one chunk of " + std::to_string(o.ctx);
        return std::nullopt;
    }
    std::fprintf(stderr, "imatrix: %zu chunks of %d tokens from %s (%zu tokens)\n", chunks.size(),
                 o.ctx, o.text_path.c_str(), tokens->size());

    const llama::gguf_tensor &embd =
        *in.find_tensor(llama::schema::weight(llama::schema::tensors::TOKEN_EMBD));
    std::optional<layer_calibration> calib;
    try {
        calib.emplace(model->hp, o.ctx, segment_embeddings(embd, embd.type, chunks, n_threads),
                      n_threads);
    } catch (const std::exception &e) {
        *error = e.what();
        return std::nullopt;
    }
    importance_matrix m;
    m.datasets = {o.text_path};
    m.chunk_count = uint32_t(chunks.size());
    m.chunk_size = uint32_t(o.ctx);
    const double n_tokens = double(chunks.size()) * double(o.ctx);
    std::vector<layer_calibration::input_of> inputs;
    for (const linear_group &g : LINEAR_GROUPS) inputs.push_back(g.input);
    try {
        for (int il = 0; il < model->hp.n_layer; il++) {
            const auto t0 = std::chrono::steady_clock::now();
            step_progress progress("imatrix blk." + std::to_string(il), chunks.size());
            calib->on_segment = [&] { progress.step("running the layer"); };
            std::vector<std::vector<double>> sums(inputs.size());
            calib->advance(model->layers[size_t(il)], il, inputs,
                           [&](layer_calibration::input_of input, const float *x, int64_t n) {
                               const size_t i = size_t(
                                   std::find(inputs.begin(), inputs.end(), input) - inputs.begin());
                               std::vector<double> &s = sums[i];
                               s.resize(size_t(n), 0.0);
                               for (int32_t t = 0; t < calib->n_tokens(); t++)
                                   for (int64_t j = 0; j < n; j++) {
                                       const double v = x[t * n + j];
                                       s[size_t(j)] += v * v;
                                   }
                           });
            for (size_t i = 0; i < inputs.size(); i++)
                for (const auto &[member, name] : LINEAR_GROUPS[i].linears)
                    m.entries[linear_weight_name(il, name)] = {sums[i], n_tokens};
            calib->on_segment = nullptr; // it refers to this layer's progress
            char took[32];
            std::snprintf(
                took, sizeof took, "%.2f s",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            progress.finish(took);
        }
    } catch (const std::exception &e) {
        *error = e.what();
        return std::nullopt;
    }
    return m;
}

} // namespace quantize
