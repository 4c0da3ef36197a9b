// Loading a llama model from GGUF: the hyperparameters (schema.h), then
// every weight with its expected shape, and point ggml tensors at the mapped
// data. Every problem is reported with the file and the key or tensor.
#include "model.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>
#include <system_error>
#include <thread>

namespace llama {

namespace {

// Formats "file: message".
std::string file_error(const gguf_file &f, const std::string &message) {
    return f.path() + ": " + message;
}

class model_loader {
  public:
    explicit model_loader(const gguf_file &f) : f_(f) {}

    bool load_tensors(llama_model &model);

    const std::string &error() const { return error_; }

  private:
    // The tensor `name` with shape ne (n_dims dims); for norms (and biases) only F32.
    ggml_tensor *tensor(llama_model &model, const std::string &name, std::vector<int64_t> ne,
                        bool is_norm, bool optional = false);
    // <name>.weight [n_in, n_out] with its optional bias, input_perm and input_signs.
    bool linear_of(llama_model &model, const std::string &name, int64_t n_in, int64_t n_out,
                   linear *out, bool optional = false);
    // The I32 permutation `name` of n elements, or nullptr (and error_ if it
    // is there but wrong); equal permutations share one tensor.
    ggml_tensor *permutation(llama_model &model, const std::string &name, int64_t n);
    // The I32 signs `name` of a rotation of n inputs, or nullptr (and error_
    // if they are there but wrong); equal signs share one tensor.
    ggml_tensor *signs(llama_model &model, const std::string &name, int64_t n);
    // t as a tensor of the model, shared with an equal one already in *seen
    ggml_tensor *shared(llama_model &model, const gguf_tensor &t, std::vector<ggml_tensor *> *seen);
    // The loader's own problems, named with the file.
    bool fail(const std::string &message) {
        if (error_.empty()) error_ = file_error(f_, message);
        return false;
    }

    const gguf_file &f_;
    std::string error_;
    std::set<std::string> used_;
    std::vector<ggml_tensor *> perms_, signs_;
};

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
    const bool shape_ok =
        info->n_dims == int(ne.size()) && std::equal(ne.begin(), ne.end(), info->ne);
    if (!shape_ok) {
        fail("tensor '" + name + "' has shape " + shape_str(info->n_dims, info->ne) +
             ", expected " + shape_str(int(ne.size()), ne.data()));
        return nullptr;
    }
    if (is_norm ? info->type != GGML_TYPE_F32 : !ggml_is_weight_type(info->type)) {
        fail("tensor '" + name + "' has type " + ggml_type_name(info->type) + ", which " +
             (is_norm ? "a norm or bias cannot have (it must be F32)" : "a weight cannot have"));
        return nullptr;
    }
    ggml_tensor *t = ggml_new_tensor(model.weights, info->type, info->n_dims, info->ne);
    t->data = const_cast<void *>(info->data); // the private mapping: see repack_weights
    ggml_set_name(t, name.c_str());
    return t;
}

ggml_tensor *model_loader::permutation(llama_model &model, const std::string &name, int64_t n) {
    const gguf_tensor *info = f_.find_tensor(name);
    if (!info) return nullptr;
    used_.insert(name);
    if (info->type != GGML_TYPE_I32 || info->n_dims != 1 || info->ne[0] != n) {
        fail("tensor '" + name + "' must be I32 [" + std::to_string(n) + "], not " +
             ggml_type_name(info->type) + " " + shape_str(info->n_dims, info->ne));
        return nullptr;
    }
    // a permutation, so the gather reads every input once and never outside
    std::vector<int32_t> idx(static_cast<size_t>(n));
    std::memcpy(idx.data(), info->data, info->size);
    std::vector<bool> seen(static_cast<size_t>(n), false);
    for (int64_t j = 0; j < n; j++) {
        const int32_t i = idx[size_t(j)];
        if (i < 0 || i >= n || seen[size_t(i)]) {
            fail("tensor '" + name + "' is not a permutation of 0.." + std::to_string(n - 1) +
                 " (element " + std::to_string(j) + " is " + std::to_string(i) + ")");
            return nullptr;
        }
        seen[size_t(i)] = true;
    }
    return shared(model, *info, &perms_);
}

ggml_tensor *model_loader::signs(llama_model &model, const std::string &name, int64_t n) {
    const gguf_tensor *info = f_.find_tensor(name);
    if (!info) return nullptr;
    used_.insert(name);
    const int64_t b = info->ne[0];
    if (info->type != GGML_TYPE_I32 || info->n_dims != 2 || b <= 0 || (b & (b - 1)) != 0 ||
        b * info->ne[1] != n) {
        fail("tensor '" + name + "' must be I32 [b, " + std::to_string(n) +
             " / b], b a power of two, not " + ggml_type_name(info->type) + " " +
             shape_str(info->n_dims, info->ne));
        return nullptr;
    }
    std::vector<int32_t> s(static_cast<size_t>(n));
    std::memcpy(s.data(), info->data, info->size);
    for (int64_t j = 0; j < n; j++)
        if (s[size_t(j)] != 1 && s[size_t(j)] != -1) {
            fail("tensor '" + name + "' holds " + std::to_string(s[size_t(j)]) + " at element " +
                 std::to_string(j) + ": signs are 1 or -1");
            return nullptr;
        }
    return shared(model, *info, &signs_);
}

ggml_tensor *model_loader::shared(llama_model &model, const gguf_tensor &info,
                                  std::vector<ggml_tensor *> *seen) {
    for (ggml_tensor *p : *seen)
        if (ggml_nbytes(p) == info.size && p->ne[0] == info.ne[0] &&
            std::memcmp(p->data, info.data, info.size) == 0)
            return p;
    ggml_tensor *t = ggml_new_tensor(model.weights, info.type, info.n_dims, info.ne);
    t->data = const_cast<void *>(info.data);
    ggml_set_name(t, info.name.c_str());
    seen->push_back(t);
    return t;
}

bool model_loader::linear_of(llama_model &model, const std::string &name, int64_t n_in,
                             int64_t n_out, linear *out, bool optional) {
    out->weight = tensor(model, schema::weight(name), {n_in, n_out}, false, optional);
    if (!out->weight) return error_.empty();
    // a bias is added like a norm weight is multiplied: F32, one per output
    out->bias = tensor(model, name + schema::tensors::BIAS, {n_out}, true, true);
    out->input_perm = permutation(model, name + schema::tensors::INPUT_PERM, n_in);
    out->input_signs = signs(model, name + schema::tensors::INPUT_SIGNS, n_in);
    return error_.empty();
}

bool model_loader::load_tensors(llama_model &model) {
    using namespace schema::tensors;
    const hparams &hp = model.hp;
    const int64_t embd = hp.n_embd, embd_kv = hp.n_embd_kv(), ff = hp.n_ff, vocab = hp.n_vocab;
    model.tok_embd = tensor(model, schema::weight(TOKEN_EMBD), {embd, vocab}, false);
    model.output_norm = tensor(model, schema::weight(OUTPUT_NORM), {embd}, true);
    if (!linear_of(model, OUTPUT, embd, vocab, &model.output, true)) return false;
    if (!model.output.weight) { // classifier tied to the embedding
        for (const char *part : {BIAS, INPUT_PERM, INPUT_SIGNS})
            if (f_.find_tensor(std::string(OUTPUT) + part))
                return fail("'" + std::string(OUTPUT) + part + "' without '" +
                            schema::weight(OUTPUT) + "'");
        model.output.weight = model.tok_embd;
    }
    // every layer has 9 tensors: a block_count the file cannot hold is
    // refused before anything is sized by it
    if (size_t(hp.n_layer) > f_.tensors().size() / 9)
        return fail(schema::arch_key(schema::ARCH, schema::keys::BLOCK_COUNT) + " is " +
                    std::to_string(hp.n_layer) + ", but the file has only " +
                    std::to_string(f_.tensors().size()) + " tensors (9 a layer)");
    model.layers.resize(size_t(hp.n_layer));
    for (int il = 0; il < hp.n_layer; il++) {
        layer &l = model.layers[size_t(il)];
        auto name = [il](const char *base) { return schema::layer_tensor(il, base); };
        l.attn_norm = tensor(model, schema::weight(name(ATTN_NORM)), {embd}, true);
        l.ffn_norm = tensor(model, schema::weight(name(FFN_NORM)), {embd}, true);
        if (!error_.empty() || !linear_of(model, name(ATTN_Q), embd, embd, &l.wq) ||
            !linear_of(model, name(ATTN_K), embd, embd_kv, &l.wk) ||
            !linear_of(model, name(ATTN_V), embd, embd_kv, &l.wv) ||
            !linear_of(model, name(ATTN_OUTPUT), embd, embd, &l.wo) ||
            !linear_of(model, name(FFN_GATE), embd, ff, &l.w_gate) ||
            !linear_of(model, name(FFN_UP), embd, ff, &l.w_up) ||
            !linear_of(model, name(FFN_DOWN), ff, embd, &l.w_down))
            return false;
    }
    for (const gguf_tensor &t : f_.tensors())
        if (!used_.count(t.name))
            return fail("unexpected tensor '" + t.name + "' in a llama model");
    return true;
}

} // namespace

bool repack_weights(llama_model &model) {
    std::vector<ggml_tensor *> matrices = {model.output.weight};
    for (const layer &l : model.layers)
        for (const linear *w : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down})
            matrices.push_back(w->weight);
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < matrices.size();)
            if (ggml_can_repack_rows(matrices[i]) && !ggml_repack_rows(matrices[i])) failed = true;
    };
    const size_t n_threads =
        std::min<size_t>(matrices.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> threads;
    auto join = [&] {
        for (std::thread &t : threads) t.join();
    };
    try {
        threads.reserve(n_threads);
        for (size_t i = 1; i < n_threads; i++) threads.emplace_back(work);
    } catch (const std::system_error &) { // no more threads: fewer do it
    } catch (...) {                       // out of memory
        next = matrices.size();
        join();
        throw;
    }
    work();
    join();
    return !failed;
}

std::string describe(const llama_model &model) {
    std::vector<std::pair<uint64_t, ggml_type>> bytes_by_type;
    for_each_tensor(model, [&](const ggml_tensor *t) {
        auto it = std::find_if(bytes_by_type.begin(), bytes_by_type.end(),
                               [&](const auto &p) { return p.second == t->type; });
        if (it == bytes_by_type.end())
            bytes_by_type.emplace_back(ggml_nbytes(t), t->type);
        else
            it->first += ggml_nbytes(t);
    });
    const auto main_type = std::max_element(bytes_by_type.begin(), bytes_by_type.end())->second;
    char buf[160];
    std::snprintf(buf, sizeof buf, "llama %d layers, dim %d, %d heads (%d kv), ff %d, vocab %d, %s",
                  model.hp.n_layer, model.hp.n_embd, model.hp.n_head, model.hp.n_head_kv,
                  model.hp.n_ff, model.hp.n_vocab, ggml_type_name(main_type));
    return buf;
}

} // namespace llama

llama_model::~llama_model() { ggml_free(weights); }

using namespace llama;

namespace {

llama_model *load_model(const char *path) {
    if (!path) {
        set_error("llama_model_load: no path");
        return nullptr;
    }
    const auto t0 = std::chrono::steady_clock::now();
    std::string err;
    auto model = std::make_unique<llama_model>();
    model->file = gguf_file::open(path, &err);
    if (!model->file) {
        set_error(err);
        return nullptr;
    }
    const gguf_file &f = *model->file;
    if (!schema::read_hparams(f, &model->hp, &err)) {
        set_error(err);
        return nullptr;
    }
    vocab v;
    if (!load_vocab(f, &v, &err)) {
        set_error(err);
        return nullptr;
    }
    model->hp.n_vocab = int32_t(v.tokens.size());
    model->tok = tokenizer::create(std::move(v));
    const size_t n_tensors = f.tensors().size();
    model->weights = ggml_init({ggml_tensor_overhead() * (n_tensors + 1), nullptr, true});
    if (!model->weights) {
        set_error(std::string(path) + ": out of memory for the tensors' descriptions");
        return nullptr;
    }
    model_loader loader(f);
    if (!loader.load_tensors(*model)) {
        set_error(loader.error());
        return nullptr;
    }
    if (!repack_weights(*model)) {
        set_error(std::string(path) + ": out of memory for repacking the weights");
        return nullptr;
    }
    model->desc = describe(*model);
    model->t_load_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return model.release();
}

} // namespace

llama_model *llama_model_load(const char *path) {
    return c_api_call("llama_model_load", static_cast<llama_model *>(nullptr),
                      [&] { return load_model(path); });
}

void llama_model_free(llama_model *model) { delete model; }

int32_t llama_n_vocab(const llama_model *model) { return model->hp.n_vocab; }
int32_t llama_n_embd(const llama_model *model) { return model->hp.n_embd; }
int32_t llama_n_layer(const llama_model *model) { return model->hp.n_layer; }
int32_t llama_n_ctx_train(const llama_model *model) { return model->hp.n_ctx_train; }
uint64_t llama_model_n_params(const llama_model *model) {
    uint64_t n = 0;
    for_each_tensor(*model, [&](const ggml_tensor *t) {
        if (t->type != GGML_TYPE_I32) n += uint64_t(ggml_nelements(t));
    });
    return n;
}

uint64_t llama_model_size(const llama_model *model) {
    uint64_t n = 0;
    for_each_tensor(*model, [&](const ggml_tensor *t) { n += ggml_nbytes(t); });
    return n;
}

uint64_t llama_model_bytes_per_token(const llama_model *model) {
    // a token reads one row of the embedding, unless it is also the classifier
    const ggml_tensor *embd = model->tok_embd;
    const bool tied = model->output.weight == embd;
    return llama_model_size(model) - (tied ? 0 : ggml_nbytes(embd) - embd->nb[1]);
}

int32_t llama_model_desc(const llama_model *model, char *buf, size_t buf_size) {
    return std::snprintf(buf, buf_size, "%s", model->desc.c_str());
}
