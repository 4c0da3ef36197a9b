// Loading a llama model from GGUF: read and check the hyperparameters, find
// every weight with its expected shape, and point ggml tensors at the mapped
// data. Every problem is reported with the file and the key or tensor.
#include "model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <cstdio>
#include <set>

namespace llama {

namespace {

thread_local std::string last_error;

// Formats "file: message".
std::string file_error(const gguf_file &f, const std::string &message) {
    return f.path() + ": " + message;
}

class model_loader {
  public:
    explicit model_loader(const gguf_file &f) : f_(f) {}

    bool load_hparams(hparams &hp);
    bool load_tensors(llama_model &model);

    const std::string &error() const { return error_; }

  private:
    // A required (or, with a default, optional) positive integer key.
    bool get_int(const std::string &key, int32_t &out, std::optional<int32_t> fallback = {});
    bool get_float(const std::string &key, float &out, std::optional<float> fallback = {});
    // The tensor `name` with shape ne (n_dims dims); for norms only F32.
    ggml_tensor *tensor(llama_model &model, const std::string &name, std::vector<int64_t> ne,
                        bool is_norm, bool optional = false);
    bool fail(const std::string &message) {
        if (error_.empty()) error_ = file_error(f_, message);
        return false;
    }

    const gguf_file &f_;
    std::string error_;
    std::set<std::string> used_;
};

bool model_loader::get_int(const std::string &key, int32_t &out, std::optional<int32_t> fallback) {
    std::string err;
    const std::optional<uint64_t> v = gguf_get_uint(f_, key, &err);
    if (!err.empty()) return fail(err);
    if (!v) {
        if (!fallback) return fail("missing key '" + key + "'");
        out = *fallback;
        return true;
    }
    if (*v == 0 || *v > uint64_t(INT32_MAX)) return fail("key '" + key + "' = " + std::to_string(*v) + " is out of range");
    out = int32_t(*v);
    return true;
}

bool model_loader::get_float(const std::string &key, float &out, std::optional<float> fallback) {
    std::string err;
    const std::optional<double> v = gguf_get_float(f_, key, &err);
    if (!err.empty()) return fail(err);
    if (!v) {
        if (!fallback) return fail("missing key '" + key + "'");
        out = *fallback;
        return true;
    }
    if (!(*v > 0.0) || !std::isfinite(*v)) return fail("key '" + key + "' must be positive");
    out = float(*v);
    return true;
}

bool model_loader::load_hparams(hparams &hp) {
    std::string err;
    const std::optional<std::string> arch = gguf_get_string(f_, "general.architecture", &err);
    if (!err.empty()) return fail(err);
    if (!arch) return fail("missing key 'general.architecture'");
    if (*arch != "llama") return fail("architecture '" + *arch + "' is not supported (only 'llama')");

    if (!get_int("llama.context_length", hp.n_ctx_train) ||
        !get_int("llama.embedding_length", hp.n_embd) || !get_int("llama.block_count", hp.n_layer) ||
        !get_int("llama.feed_forward_length", hp.n_ff) ||
        !get_int("llama.attention.head_count", hp.n_head) ||
        !get_int("llama.attention.head_count_kv", hp.n_head_kv, hp.n_head) ||
        !get_float("llama.attention.layer_norm_rms_epsilon", hp.rms_eps) ||
        !get_float("llama.rope.freq_base", hp.rope_freq_base, 10000.0f))
        return false;
    if (hp.n_embd % hp.n_head != 0)
        return fail("head_count " + std::to_string(hp.n_head) + " does not divide embedding_length " +
                    std::to_string(hp.n_embd));
    if (hp.n_head % hp.n_head_kv != 0)
        return fail("head_count_kv " + std::to_string(hp.n_head_kv) + " does not divide head_count " +
                    std::to_string(hp.n_head));
    if (!get_int("llama.rope.dimension_count", hp.n_rot, hp.head_dim())) return false;
    if (hp.n_rot % 2 != 0 || hp.n_rot > hp.head_dim())
        return fail("rope.dimension_count " + std::to_string(hp.n_rot) +
                    " must be even and at most the head size " + std::to_string(hp.head_dim()));
    return true;
}

std::string shape_str(int n_dims, const int64_t *ne) {
    std::string s = "[";
    for (int i = 0; i < n_dims; i++) s += (i ? ", " : "") + std::to_string(ne[i]);
    return s + "]";
}

ggml_tensor *model_loader::tensor(llama_model &model, const std::string &name,
                                  std::vector<int64_t> ne, bool is_norm, bool optional) {
    const gguf_tensor *info = f_.find_tensor(name);
    if (!info) {
        if (!optional) fail("missing tensor '" + name + "'");
        return nullptr;
    }
    used_.insert(name);
    const bool shape_ok = info->n_dims == int(ne.size()) &&
                          std::equal(ne.begin(), ne.end(), info->ne);
    if (!shape_ok) {
        fail("tensor '" + name + "' has shape " + shape_str(info->n_dims, info->ne) + ", expected " +
             shape_str(int(ne.size()), ne.data()));
        return nullptr;
    }
    if (is_norm ? info->type != GGML_TYPE_F32
                : info->type == GGML_TYPE_I32 || info->type == GGML_TYPE_Q8_1) {
        fail("tensor '" + name + "' has type " + ggml_type_name(info->type) + ", which " +
             (is_norm ? "a norm cannot have (it must be F32)" : "a weight cannot have"));
        return nullptr;
    }
    ggml_tensor *t = ggml_new_tensor(model.weights, info->type, info->n_dims, info->ne);
    t->data = const_cast<void *>(info->data); // mapped read-only: never written
    ggml_set_name(t, name.c_str());
    model.n_params += uint64_t(ggml_nelements(t));
    model.n_bytes += info->size;
    return t;
}

bool model_loader::load_tensors(llama_model &model) {
    const hparams &hp = model.hp;
    const int64_t embd = hp.n_embd, embd_kv = hp.n_embd_kv(), ff = hp.n_ff, vocab = hp.n_vocab;
    model.tok_embd = tensor(model, "token_embd.weight", {embd, vocab}, false);
    model.output_norm = tensor(model, "output_norm.weight", {embd}, true);
    model.output = tensor(model, "output.weight", {embd, vocab}, false, true);
    if (!error_.empty()) return false;
    if (!model.output) model.output = model.tok_embd; // classifier tied to the embedding
    model.layers.resize(size_t(hp.n_layer));
    for (int il = 0; il < hp.n_layer; il++) {
        layer &l = model.layers[size_t(il)];
        const std::string p = "blk." + std::to_string(il) + ".";
        l.attn_norm = tensor(model, p + "attn_norm.weight", {embd}, true);
        l.wq = tensor(model, p + "attn_q.weight", {embd, embd}, false);
        l.wk = tensor(model, p + "attn_k.weight", {embd, embd_kv}, false);
        l.wv = tensor(model, p + "attn_v.weight", {embd, embd_kv}, false);
        l.wo = tensor(model, p + "attn_output.weight", {embd, embd}, false);
        l.ffn_norm = tensor(model, p + "ffn_norm.weight", {embd}, true);
        l.w_gate = tensor(model, p + "ffn_gate.weight", {embd, ff}, false);
        l.w_up = tensor(model, p + "ffn_up.weight", {embd, ff}, false);
        l.w_down = tensor(model, p + "ffn_down.weight", {ff, embd}, false);
        if (!error_.empty()) return false;
    }
    for (const gguf_tensor &t : f_.tensors())
        if (!used_.count(t.name)) return fail("unexpected tensor '" + t.name + "' in a llama model");
    return true;
}

std::string describe(const llama_model &model) {
    // the type most of the weight bytes have
    std::vector<std::pair<uint64_t, ggml_type>> bytes_by_type;
    for (const gguf_tensor &t : model.file->tensors()) {
        auto it = std::find_if(bytes_by_type.begin(), bytes_by_type.end(),
                               [&](const auto &p) { return p.second == t.type; });
        if (it == bytes_by_type.end()) bytes_by_type.emplace_back(t.size, t.type);
        else it->first += t.size;
    }
    const auto main_type = std::max_element(bytes_by_type.begin(), bytes_by_type.end())->second;
    char buf[160];
    std::snprintf(buf, sizeof buf, "llama %d layers, dim %d, %d heads (%d kv), ff %d, vocab %d, %s",
                  model.hp.n_layer, model.hp.n_embd, model.hp.n_head, model.hp.n_head_kv,
                  model.hp.n_ff, model.hp.n_vocab, ggml_type_name(main_type));
    return buf;
}

} // namespace

void set_error(std::string message) { last_error = std::move(message); }

} // namespace llama

llama_model::~llama_model() { ggml_free(weights); }

using namespace llama;

const char *llama_last_error(void) { return last_error.c_str(); }

llama_model *llama_model_load(const char *path) {
    const auto t0 = std::chrono::steady_clock::now();
    std::string err;
    auto model = std::make_unique<llama_model>();
    model->file = gguf_file::open(path, &err);
    if (!model->file) {
        set_error(err);
        return nullptr;
    }
    const gguf_file &f = *model->file;
    model_loader loader(f);
    if (!loader.load_hparams(model->hp)) {
        set_error(loader.error());
        return nullptr;
    }
    vocab v;
    if (!load_vocab(f, &v, &err)) {
        set_error(err);
        return nullptr;
    }
    model->hp.n_vocab = int32_t(v.tokens.size());
    model->tok = std::make_unique<tokenizer>(std::move(v));
    const size_t n_tensors = f.tensors().size();
    model->weights = ggml_init({ggml_tensor_overhead() * (n_tensors + 1), nullptr, true});
    if (!loader.load_tensors(*model)) {
        set_error(loader.error());
        return nullptr;
    }
    model->desc = describe(*model);
    model->t_load_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return model.release();
}

void llama_model_free(llama_model *model) { delete model; }

int32_t llama_n_vocab(const llama_model *model) { return model->hp.n_vocab; }
int32_t llama_n_embd(const llama_model *model) { return model->hp.n_embd; }
int32_t llama_n_layer(const llama_model *model) { return model->hp.n_layer; }
int32_t llama_n_ctx_train(const llama_model *model) { return model->hp.n_ctx_train; }
uint64_t llama_model_n_params(const llama_model *model) { return model->n_params; }
uint64_t llama_model_size(const llama_model *model) { return model->n_bytes; }

int32_t llama_model_desc(const llama_model *model, char *buf, size_t buf_size) {
    return std::snprintf(buf, buf_size, "%s", model->desc.c_str());
}
