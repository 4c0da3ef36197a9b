#include "tensor_plan.h"

#include "file_type.h"

#include <algorithm>
#include <charconv>
#include <string_view>

namespace quantize {

namespace {

constexpr const char *TOKEN_EMBD = "token_embd.weight";
constexpr const char *OUTPUT = "output.weight";

// N of a "blk.N." name; -1 for tensors outside the layers.
long layer_of(std::string_view name) {
    constexpr std::string_view prefix = "blk.";
    long layer = -1;
    if (name.starts_with(prefix))
        std::from_chars(name.data() + prefix.size(), name.data() + name.size(), layer);
    return layer;
}

ggml_type chosen_type(const llama::gguf_tensor &t, const plan_options &o) {
    // Integers are indices, not weights (a GPTQ import's input_perm).
    if (t.type == GGML_TYPE_I32) return t.type;
    // Norms and biases: small, and the loader wants them F32.
    if (t.n_dims == 1) return GGML_TYPE_F32;
    const type_override *special = t.name == TOKEN_EMBD ? &o.embd
                                   : t.name == OUTPUT   ? &o.output
                                                        : nullptr;
    if (!special) return o.type;
    switch (special->how) {
    case type_override::mode::KEEP: return t.type;
    case type_override::mode::SET: return special->type;
    case type_override::mode::DEFAULT: break;
    }
    // Both matrices touch every token; 8 bits keep them close to the original
    // for little space (llama.cpp too gives the output matrix 6 or 8 bits).
    return ggml_is_quantized(o.type) ? GGML_TYPE_Q8_0 : o.type;
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
    quantize_plan plan;
    plan.file_type = *file_type_of(o.type);
    std::vector<std::string> requantized;
    for (const llama::gguf_tensor &t : in.tensors()) {
        ggml_type type = chosen_type(t, o);
        const int64_t block = ggml_blck_size(type);
        if (t.ne[0] % block != 0) {
            plan.notes.push_back(t.name + ": rows of " + std::to_string(t.ne[0]) + " do not fit " +
                                 ggml_type_name(type) + " blocks of " + std::to_string(block) +
                                 "; stored as F16 instead");
            plan.fell_back.push_back(t.name);
            type = GGML_TYPE_F16;
        }
        if (type != t.type && ggml_is_quantized(t.type)) requantized.push_back(t.name);
        plan.tensors.push_back({&t, type});
    }
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
    if (o.output.how != type_override::mode::DEFAULT && !in.find_tensor(OUTPUT))
        plan.notes.push_back(std::string("the model has no ") + OUTPUT + " (its output uses " +
                             TOKEN_EMBD + "), so --output-type has no effect; --embd-type sets " +
                             TOKEN_EMBD);
    std::stable_sort(plan.tensors.begin(), plan.tensors.end(),
                     [](const planned_tensor &a, const planned_tensor &b) {
                         return written_before(a.source->name, b.source->name);
                     });
    return plan;
}

} // namespace quantize
