#include "checkpoints/hf_config.h"

#include "checkpoints/json.h"
#include "string_printf.h"

#include <climits>
#include <cmath>
#include <filesystem>

namespace convert {

using llama::string_printf;

namespace {

// A required (fallback unset) or optional positive int32 member.
bool positive(const json::value &o, const char *key, std::optional<int64_t> fallback, int32_t *out,
              const std::string &source, std::string *error) {
    int64_t v = fallback.value_or(0);
    if (!json::get_member(o, key, &v, source, error)) return false;
    if (!o.find(key) && !fallback) {
        *error = source + ": \"" + key + "\" is missing";
        return false;
    }
    if (v <= 0 || v > INT32_MAX) {
        *error = source + ": \"" + key + "\" is " + std::to_string(v) + "; it must be positive";
        return false;
    }
    *out = int32_t(v);
    return true;
}

bool positive_float(const json::value &o, const char *key, double fallback, float *out,
                    const std::string &source, std::string *error) {
    double v = fallback;
    if (!json::get_member(o, key, &v, source, error)) return false;
    if (!(v > 0.0) || !std::isfinite(float(v))) {
        *error = source + ": \"" + key + "\" must be a positive number";
        return false;
    }
    *out = float(v);
    return true;
}

bool token_id(const json::value &o, const char *key, std::optional<int32_t> *out,
              const std::string &source, std::string *error) {
    int64_t v = -1;
    if (!json::get_member(o, key, &v, source, error)) return false;
    if (v >= 0 && v <= INT32_MAX) *out = int32_t(v);
    return true;
}

} // namespace

bool read_hf_config(const std::string &dir, hf_config *out, std::string *error) {
    namespace fs = std::filesystem;
    const std::string path = (fs::path(dir) / "config.json").string();
    json::value cfg;
    if (!json::read_object_file(path, &cfg, error)) return false;
    auto fail = [&](const std::string &what) {
        *error = path + ": " + what;
        return false;
    };

    std::string model_type, act = "silu";
    if (!json::get_member(cfg, "model_type", &model_type, path, error) ||
        !json::get_member(cfg, "hidden_act", &act, path, error))
        return false;
    if (model_type != "llama")
        return fail("model_type \"" + model_type + "\" is not supported (only \"llama\")");
    if (act != "silu") return fail("hidden_act \"" + act + "\" is not supported (only \"silu\")");
    if (const json::value *rs = cfg.find("rope_scaling"); rs && rs->type != json::kind::NUL)
        return fail("rope_scaling is set; scaled RoPE is not supported");

    hf_config c{};
    if (!positive(cfg, "vocab_size", {}, &c.vocab_size, path, error) ||
        !positive(cfg, "hidden_size", {}, &c.hidden_size, path, error) ||
        !positive(cfg, "intermediate_size", {}, &c.intermediate_size, path, error) ||
        !positive(cfg, "num_hidden_layers", {}, &c.num_hidden_layers, path, error) ||
        !positive(cfg, "num_attention_heads", {}, &c.num_attention_heads, path, error))
        return false;
    // LlamaConfig's defaults for the optional ones
    if (!positive(cfg, "num_key_value_heads", c.num_attention_heads, &c.num_key_value_heads, path,
                  error) ||
        !positive(cfg, "max_position_embeddings", 2048, &c.max_position_embeddings, path, error) ||
        !positive_float(cfg, "rms_norm_eps", 1e-6, &c.rms_norm_eps, path, error) ||
        !positive_float(cfg, "rope_theta", 10000.0, &c.rope_theta, path, error) ||
        !json::get_member(cfg, "tie_word_embeddings", &c.tie_word_embeddings, path, error) ||
        !token_id(cfg, "bos_token_id", &c.bos_token_id, path, error) ||
        !token_id(cfg, "eos_token_id", &c.eos_token_id, path, error))
        return false;
    if (c.hidden_size % c.num_attention_heads != 0 || c.head_dim() % 2 != 0)
        return fail(string_printf("num_attention_heads %d does not divide hidden_size %d into "
                                  "heads of even size",
                                  c.num_attention_heads, c.hidden_size));
    if (c.num_attention_heads % c.num_key_value_heads != 0)
        return fail(string_printf("num_key_value_heads %d does not divide num_attention_heads %d",
                                  c.num_key_value_heads, c.num_attention_heads));
    int64_t head_dim = c.head_dim();
    if (!json::get_member(cfg, "head_dim", &head_dim, path, error)) return false;
    if (head_dim != c.head_dim())
        return fail(string_printf("head_dim %lld differs from hidden_size / num_attention_heads "
                                  "= %d, which the llama runtime assumes",
                                  (long long)head_dim, c.head_dim()));

    if (const json::value *qc = cfg.find("quantization_config")) {
        gptq_config g;
        if (!read_gptq_config(*qc, path + " quantization_config", &g, error)) return false;
        c.gptq = g;
    } else if (const fs::path qpath = fs::path(dir) / "quantize_config.json"; fs::exists(qpath)) {
        json::value q;
        gptq_config g;
        if (!json::read_object_file(qpath.string(), &q, error) ||
            !read_gptq_config(q, qpath.string(), &g, error))
            return false;
        c.gptq = g;
    }
    *out = c;
    return true;
}

} // namespace convert
