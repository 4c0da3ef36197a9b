#include "gptq/gptq_model.h"

#include "gptq/calibration_text.h"
#include "gptq/layer_calibration.h"
#include "model.h"
#include "progress_bar.h"
#include "schema.h"
#include "tensor_floats.h"
#include "weight_rotation.h"

#include <chrono>
#include <cstring>
#include <list>
#include <stdexcept>

namespace quantize {

namespace {

using llama::layer;
using llama::linear;

size_t linears_per_layer() {
    size_t n = 0;
    for (const linear_group &g : LINEAR_GROUPS) n += g.linears.size();
    return n;
}

} // namespace

std::unique_ptr<gptq_quantizer>
gptq_quantizer::run(const llama::gguf_file &in, const quantize_plan &plan, const gptq_options &o,
                    const model_rotations &rotations, int n_threads, std::string *error) {
    *error = transformed_inputs(in, "run --gptq on the float model");
    if (!error->empty()) return nullptr;
    std::map<std::string, ggml_type> planned;
    for (const planned_tensor &p : plan.tensors) planned[p.source->name] = p.type;

    const model_ptr model(llama_model_load(in.path().c_str()));
    if (!model) {
        *error = llama_last_error();
        return nullptr;
    }
    const std::optional<std::vector<llama_token>> tokens =
        tokenize_file(model.get(), o.calib_path, error);
    if (!tokens) return nullptr;
    if (tokens->size() <= size_t(o.ctx)) {
        *error = o.calib_path + ": the calibration text has " + std::to_string(tokens->size()) +
                 " tokens, fewer than one segment of --calib-ctx " + std::to_string(o.ctx) +
                 " needs (" + std::to_string(o.ctx + 1) + ")";
        return nullptr;
    }
    const std::vector<std::vector<llama_token>> segments =
        sample_segments(*tokens, o.chunks, o.ctx, o.seed);
    std::fprintf(stderr, "gptq: %d segments of %d tokens from %s (%zu tokens), seed %u\n", o.chunks,
                 o.ctx, o.calib_path.c_str(), tokens->size(), o.seed);

    const llama::gguf_tensor &embd =
        *in.find_tensor(llama::schema::weight(llama::schema::tensors::TOKEN_EMBD));
    layer_calibration calib(model->hp, o.ctx,
                            segment_embeddings(embd, planned.at(embd.name), segments, n_threads),
                            n_threads);

    auto q = std::make_unique<gptq_quantizer>();
    // the weights as the file will store them, for the passes after theirs
    const size_t n_tensors = size_t(model->hp.n_layer) * linears_per_layer() * 3;
    ggml_context *ctx = ggml_init({ggml_tensor_overhead() * n_tensors, nullptr, true});
    std::list<std::vector<uint8_t>> rounded; // bytes of the weights not quantized by GPTQ
    const round_to_nearest rtn;
    const rotating_quantizer rounding(rtn, rotations);
    std::map<const input_rotation *, ggml_tensor *> signs; // each rotation's, once
    try {
        for (int il = 0; il < model->hp.n_layer; il++) {
            layer cur = model->layers[size_t(il)];
            const auto t0 = std::chrono::steady_clock::now();
            // steps: a pass over the segments per group with a GPTQ linear,
            // one to advance, and one per GPTQ linear
            const auto by_gptq = [&](const char *name) {
                const std::string n = linear_weight_name(il, name);
                const ggml_type t = planned.at(n);
                return gptq_can_quantize(t) && in.find_tensor(n)->type != t;
            };
            size_t n_steps = calib.n_segments();
            for (const linear_group &g : LINEAR_GROUPS) {
                size_t n = 0;
                for (const auto &[member, name] : g.linears) n += by_gptq(name);
                if (n > 0) n_steps += calib.n_segments() + n;
            }
            step_progress progress("gptq blk." + std::to_string(il), n_steps);
            std::string doing;
            calib.on_segment = [&] { progress.step(doing); };
            std::string losses;
            for (const linear_group &g : LINEAR_GROUPS) {
                std::vector<double> h;
                ggml_tensor *group_perm = nullptr;
                for (const auto &[member, name] : g.linears) {
                    const std::string wname = linear_weight_name(il, name);
                    const llama::gguf_tensor &src = *in.find_tensor(wname);
                    linear &lin = cur.*member;
                    const input_rotation *rotation = rotations.of(wname);
                    if (rotation) {
                        ggml_tensor *&s = signs[rotation];
                        if (!s) {
                            const auto n = int64_t(rotation->signs.size());
                            s = ggml_new_tensor_2d(ctx, GGML_TYPE_I32, rotation->block,
                                                   n / rotation->block);
                            s->data = const_cast<int32_t *>(rotation->signs.data());
                        }
                        lin.input_signs = s;
                    }
                    if (!by_gptq(name)) {
                        const ggml_type t = planned.at(wname);
                        if (t != src.type || rotation) {
                            rounded.emplace_back();
                            lin.weight = ggml_new_tensor_2d(ctx, t, src.ne[0], src.ne[1]);
                            lin.weight->data = const_cast<void *>(
                                stored_bytes(src, t, rounding, n_threads, &rounded.back()));
                        }
                        continue;
                    }
                    if (h.empty()) {
                        doing = std::string("calibrating ") + name;
                        h = calib.hessian(cur, il, g.input);
                        // the group's linears share the rotation: R^T H R,
                        // the Hessian of the inputs they will read
                        if (rotation) rotation->rotate_hessian(&h);
                    }
                    doing = std::string("quantizing ") + name;
                    std::vector<float> floats;
                    const float *values = tensor_floats(src, &floats, n_threads);
                    if (rotation) { // rows W R, in floats (F32 data lies in the file)
                        if (values != floats.data())
                            floats.assign(values, values + src.ne[0] * src.ne[1]);
                        values = floats.data();
                        rotation->rotate_rows(floats.data(), src.ne[1]);
                    }
                    const float_rows w{wname, values, src.ne[1], src.ne[0]};
                    gptq_settings settings = o.settings;
                    settings.type = planned.at(wname);
                    const gptq_matrix &m =
                        q->results_.emplace(wname, gptq_quantize(w, h, settings, n_threads))
                            .first->second;
                    progress.step(doing);
                    char loss[64];
                    std::snprintf(loss, sizeof loss, "%s%s %.4g", losses.empty() ? "" : ", ", name,
                                  m.loss);
                    losses += loss;
                    lin.weight = ggml_new_tensor_2d(ctx, settings.type, src.ne[0], src.ne[1]);
                    lin.weight->data = const_cast<uint8_t *>(m.blocks.data());
                    lin.input_perm = nullptr;
                    if (!m.input_perm.empty()) {
                        // one tensor per distinct perm, so the input is gathered once
                        if (!group_perm ||
                            std::memcmp(group_perm->data, m.input_perm.data(),
                                        m.input_perm.size() * sizeof(int32_t)) != 0) {
                            ggml_tensor *p = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, src.ne[0]);
                            p->data = const_cast<int32_t *>(m.input_perm.data());
                            group_perm = p;
                        }
                        lin.input_perm = group_perm;
                    }
                }
            }
            doing = "running the quantized layer";
            calib.advance(cur, il);
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            char took[32];
            std::snprintf(took, sizeof took, "%.2f s", seconds);
            progress.finish(took + (losses.empty() ? std::string() : "; loss " + losses));
            calib.on_segment = nullptr; // it refers to this layer's progress
        }
    } catch (const std::exception &e) {
        ggml_free(ctx);
        *error = e.what();
        return nullptr;
    }
    ggml_free(ctx);
    return q;
}

void gptq_quantizer::quantize(const float_rows &w, ggml_type type, void *dst, int n_threads) const {
    const auto it = results_.find(std::string(w.name));
    if (it == results_.end()) return rest_.quantize(w, type, dst, n_threads);
    const std::vector<uint8_t> &blocks = it->second.blocks;
    if (blocks.size() != size_t(w.nrows) * ggml_row_size(type, w.n_per_row))
        throw std::logic_error(std::string(w.name) + ": GPTQ quantized it to another type");
    std::memcpy(dst, blocks.data(), blocks.size());
}

std::vector<added_tensor> gptq_quantizer::added_tensors() const {
    std::vector<added_tensor> added;
    for (const auto &[name, m] : results_) {
        if (m.input_perm.empty()) continue;
        const std::string base =
            name.substr(0, name.size() - std::string_view(llama::schema::tensors::WEIGHT).size());
        added.push_back({base + llama::schema::tensors::INPUT_PERM,
                         GGML_TYPE_I32,
                         {int64_t(m.input_perm.size())},
                         m.input_perm.data()});
    }
    return added;
}

} // namespace quantize
