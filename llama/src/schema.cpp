#include "schema.h"

#include "string_printf.h"

#include <charconv>
#include <cmath>
#include <optional>

namespace llama::schema {

std::string arch_key(std::string_view arch, const char *suffix) {
    return std::string(arch) + "." + suffix;
}

std::string layer_tensor(int layer, std::string_view name) {
    return "blk." + std::to_string(layer) + "." + std::string(name);
}

std::string weight(std::string_view name) { return std::string(name) + tensors::WEIGHT; }

long layer_of(std::string_view tensor_name) {
    constexpr std::string_view prefix = "blk.";
    long layer = -1;
    if (tensor_name.starts_with(prefix))
        std::from_chars(tensor_name.data() + prefix.size(), tensor_name.data() + tensor_name.size(),
                        layer);
    return layer;
}

namespace {

// The hyperparameters' keys, read one at a time; the first problem is kept.
class hparams_reader {
  public:
    explicit hparams_reader(const gguf_file &f) : f_(f) {}

    // A positive integer key; without a fallback it must be there.
    bool get_int(const char *suffix, int32_t &out, std::optional<int32_t> fallback = {}) {
        const std::string key = arch_key(ARCH, suffix);
        const std::optional<uint64_t> v = gguf_get_uint(f_, key, &error_);
        if (!error_.empty()) return false;
        if (!v) {
            if (!fallback) return fail("missing key '" + key + "'");
            out = *fallback;
            return true;
        }
        if (*v == 0 || *v > uint64_t(INT32_MAX))
            return fail("key '" + key + "' = " + std::to_string(*v) + " is out of range");
        out = int32_t(*v);
        return true;
    }

    // A positive finite float key, likewise.
    bool get_float(const char *suffix, float &out, std::optional<float> fallback = {}) {
        const std::string key = arch_key(ARCH, suffix);
        const std::optional<double> v = gguf_get_float(f_, key, &error_);
        if (!error_.empty()) return false;
        if (!v) {
            if (!fallback) return fail("missing key '" + key + "'");
            out = *fallback;
            return true;
        }
        // checked as the float it is used as: a FLOAT64 of 1e300 is inf as a
        // float, and 1e-300 is 0
        const float x = float(*v);
        if (!(x > 0.0f) || !std::isfinite(x))
            return fail(
                string_printf("key '%s' = %g is not a positive finite float", key.c_str(), *v));
        out = x;
        return true;
    }

    // A problem of the reader's own, named with the file (the getters' name it
    // themselves).
    bool fail(const std::string &message) {
        error_ = f_.path() + ": " + message;
        return false;
    }

    std::string &error() { return error_; }

  private:
    const gguf_file &f_;
    std::string error_;
};

} // namespace

bool read_hparams(const gguf_file &f, hparams *out, std::string *error) {
    hparams_reader r(f);
    hparams hp{};
    const bool ok = [&] {
        const std::optional<std::string> arch = gguf_get_string(f, keys::ARCHITECTURE, &r.error());
        if (!r.error().empty()) return false;
        if (!arch) return r.fail(std::string("missing key '") + keys::ARCHITECTURE + "'");
        if (*arch != ARCH)
            return r.fail("architecture '" + *arch + "' is not supported (only '" + ARCH + "')");
        if (!r.get_int(keys::CONTEXT_LENGTH, hp.n_ctx_train) ||
            !r.get_int(keys::EMBEDDING_LENGTH, hp.n_embd) ||
            !r.get_int(keys::BLOCK_COUNT, hp.n_layer) ||
            !r.get_int(keys::FEED_FORWARD_LENGTH, hp.n_ff) ||
            !r.get_int(keys::HEAD_COUNT, hp.n_head) ||
            !r.get_int(keys::HEAD_COUNT_KV, hp.n_head_kv, hp.n_head) ||
            !r.get_float(keys::RMS_EPSILON, hp.rms_eps) ||
            !r.get_float(keys::ROPE_FREQ_BASE, hp.rope_freq_base, 10000.0f))
            return false;
        if (hp.n_embd % hp.n_head != 0)
            return r.fail("head_count " + std::to_string(hp.n_head) +
                          " does not divide embedding_length " + std::to_string(hp.n_embd));
        if (hp.n_head % hp.n_head_kv != 0)
            return r.fail("head_count_kv " + std::to_string(hp.n_head_kv) +
                          " does not divide head_count " + std::to_string(hp.n_head));
        if (!r.get_int(keys::ROPE_DIMENSION_COUNT, hp.n_rot, hp.head_dim())) return false;
        if (hp.n_rot % 2 != 0 || hp.n_rot > hp.head_dim())
            return r.fail("rope.dimension_count " + std::to_string(hp.n_rot) +
                          " must be even and at most the head size " +
                          std::to_string(hp.head_dim()));
        return true;
    }();
    if (!ok) {
        *error = r.error();
        return false;
    }
    *out = hp;
    return true;
}

void write_hparams(const hparams &hp, std::string_view name, uint32_t file_type, gguf_writer *w) {
    auto key = [](const char *suffix) { return arch_key(ARCH, suffix); };
    w->set_string(keys::ARCHITECTURE, ARCH);
    w->set_string(keys::NAME, std::string(name));
    w->set_u32(keys::FILE_TYPE, file_type);
    w->set_u32(key(keys::CONTEXT_LENGTH), uint32_t(hp.n_ctx_train));
    w->set_u32(key(keys::EMBEDDING_LENGTH), uint32_t(hp.n_embd));
    w->set_u32(key(keys::BLOCK_COUNT), uint32_t(hp.n_layer));
    w->set_u32(key(keys::FEED_FORWARD_LENGTH), uint32_t(hp.n_ff));
    w->set_u32(key(keys::HEAD_COUNT), uint32_t(hp.n_head));
    w->set_u32(key(keys::HEAD_COUNT_KV), uint32_t(hp.n_head_kv));
    w->set_u32(key(keys::ROPE_DIMENSION_COUNT), uint32_t(hp.n_rot));
    w->set_f32(key(keys::ROPE_FREQ_BASE), hp.rope_freq_base);
    w->set_f32(key(keys::RMS_EPSILON), hp.rms_eps);
}

} // namespace llama::schema
