#include "tensor_plan.h"

#include "schema.h"
#include "type_fallback.h"
#include "type_rules.h"

#include <algorithm>
#include <string_view>

namespace quantize {

namespace {

const std::string TOKEN_EMBD = llama::schema::weight(llama::schema::tensors::TOKEN_EMBD);
const std::string OUTPUT = llama::schema::weight(llama::schema::tensors::OUTPUT);

using llama::schema::layer_of;

// The shape the preset rules need, from the metadata; the layer count from
// the tensor names when the file does not say.
model_shape shape_of(const llama::gguf_file &in, std::string *error) {
    using llama::schema::arch_key;
    namespace keys = llama::schema::keys;
    model_shape m;
    m.arch = llama::gguf_get_string(in, keys::ARCHITECTURE, error).value_or("");
    long max_layer = -1;
    for (const llama::gguf_tensor &t : in.tensors())
        max_layer = std::max(max_layer, layer_of(t.name));
    m.n_layer = int64_t(llama::gguf_get_uint(in, arch_key(m.arch, keys::BLOCK_COUNT), error)
                            .value_or(uint64_t(max_layer + 1)));
    m.n_head =
        int64_t(llama::gguf_get_uint(in, arch_key(m.arch, keys::HEAD_COUNT), error).value_or(0));
    m.n_head_kv = int64_t(llama::gguf_get_uint(in, arch_key(m.arch, keys::HEAD_COUNT_KV), error)
                              .value_or(uint64_t(m.n_head)));
    m.has_output = in.find_tensor(OUTPUT) != nullptr;
    return m;
}

} // namespace

bool written_before(const std::string &a, const std::string &b) {
    const long la = layer_of(a), lb = layer_of(b);
    return la != lb ? la < lb : a < b;
}

std::optional<quantize_plan> plan_quantization(const llama::gguf_file &in, const plan_options &o,
                                               std::string *error) {
    if (in.tensors().empty()) {
        *error = in.path() + ": the file holds no tensors";
        return std::nullopt;
    }
    const model_shape shape = shape_of(in, error);
    if (!error->empty()) return std::nullopt;

    quantize_plan plan;
    plan.file_type = o.preset->id;
    for (const llama::gguf_tensor &t : in.tensors()) plan.tensors.push_back({&t, t.type});
    std::stable_sort(plan.tensors.begin(), plan.tensors.end(),
                     [](const planned_tensor &a, const planned_tensor &b) {
                         return written_before(a.source->name, b.source->name);
                     });

    // the weight matrices, in order, through the preset's rules
    std::vector<planned_tensor *> matrices;
    std::vector<weight_matrix> weights;
    for (planned_tensor &p : plan.tensors) {
        const llama::gguf_tensor &t = *p.source;
        if (t.type == GGML_TYPE_I32) continue; // indices, not weights (GPTQ's input_perm)
        if (t.n_dims == 1) {
            p.type = GGML_TYPE_F32; // norms and biases: small, and the loader wants F32
        } else if (is_weight_matrix(t.name, t.n_dims, t.ne)) {
            matrices.push_back(&p);
            weights.push_back({t.name, t.ne[0]});
        }
    }
    const std::vector<ggml_type> types = preset_types(*o.preset, shape, weights, o.pure);
    for (size_t i = 0; i < matrices.size(); i++) {
        planned_tensor &p = *matrices[i];
        const std::string &name = p.source->name;
        const type_override *special = name == TOKEN_EMBD ? &o.embd
                                       : name == OUTPUT   ? &o.output
                                                          : nullptr;
        p.type = types[i];
        if (special && special->how == type_override::mode::KEEP) p.type = p.source->type;
        if (special && special->how == type_override::mode::SET) p.type = special->type;
        const ggml_type fitted = llama::fallback_type(p.type, p.source->ne[0]);
        if (fitted != p.type) {
            plan.notes.push_back(name + ": rows of " + std::to_string(p.source->ne[0]) +
                                 " do not fit " + ggml_type_name(p.type) + " blocks of " +
                                 std::to_string(ggml_blck_size(p.type)) + "; stored as " +
                                 ggml_type_name(fitted) + " instead");
            plan.fell_back.push_back(name + " (" + ggml_type_name(fitted) + ")");
            p.type = fitted;
        }
    }

    std::vector<std::string> requantized;
    for (const planned_tensor &p : plan.tensors)
        if (p.type != p.source->type && ggml_is_quantized(p.source->type))
            requantized.push_back(p.source->name);
    if (!requantized.empty()) {
        const std::string count = requantized.size() == 1
                                      ? std::string("1 tensor is")
                                      : std::to_string(requantized.size()) + " tensors are";
        const std::string what = count + " quantized already (the first: '" + requantized[0] +
                                 "' is " + ggml_type_name(in.find_tensor(requantized[0])->type) +
                                 ")";
        if (!o.allow_requantize) {
            *error = in.path() + ": " + what +
                     "; quantizing them again adds the errors of both types. Quantize the F32 or "
                     "F16 model instead, or pass --allow-requantize";
            return std::nullopt;
        }
        plan.notes.push_back("warning: " + what +
                             " and are quantized again: expect worse quality than from F32 or F16");
    }
    if (o.output.how != type_override::mode::DEFAULT && !shape.has_output)
        plan.notes.push_back("the model has no " + OUTPUT + " (its output uses " + TOKEN_EMBD +
                             "), so --output-type has no effect; --embd-type sets " + TOKEN_EMBD);
    return plan;
}

} // namespace quantize
