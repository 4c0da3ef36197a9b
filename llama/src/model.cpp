// Loading a llama model from GGUF: the hyperparameters (schema.h), then
// every weight with its expected shape, and point ggml tensors at the mapped
// data. Every problem is reported with the file and the key or tensor.
#include "model.h"

#include "input_rotation.h"

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
    // <name>.weight [n_in, n_out] with its optional bias and input_perm.
    bool linear_of(llama_model &model, const std::string &name, int64_t n_in, int64_t n_out,
                   linear *out, bool optional = false);
    // The I32 permutation `name` of n elements, or nullptr (and error_ if it
    // is there but wrong); equal permutations share one tensor.
    ggml_tensor *permutation(llama_model &model, const std::string &name, int64_t n);
    // The layers' input_signs when the metadata says they are rotated
    // (input_rotation.h); false on a bad key.
    bool rotations(llama_model &model);
    // The loader's own problems, named with the file.
    bool fail(const std::string &message) {
        if (error_.empty()) error_ = file_error(f_, message);
        return false;
    }

    const gguf_file &f_;
    std::string error_;
    std::set<std::string> used_;
    std::vector<ggml_tensor *> perms_;
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
    for (ggml_tensor *p : perms_)
        if (p->ne[0] == n && std::memcmp(p->data, info->data, info->size) == 0) return p;
    ggml_tensor *t = ggml_new_tensor_1d(model.weights, GGML_TYPE_I32, n);
    t->data = const_cast<void *>(info->data);
    ggml_set_name(t, name.c_str());
    perms_.push_back(t);
    return t;
}

bool model_loader::linear_of(llama_model &model, const std::string &name, int64_t n_in,
                             int64_t n_out, linear *out, bool optional) {
    out->weight = tensor(model, schema::weight(name), {n_in, n_out}, false, optional);
    if (!out->weight) return error_.empty();
    // a bias is added like a norm weight is multiplied: F32, one per output
    out->bias = tensor(model, name + schema::tensors::BIAS, {n_out}, true, true);
    out->input_perm = permutation(model, name + schema::tensors::INPUT_PERM, n_in);
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
        const std::string bias = std::string(OUTPUT) + BIAS,
                          perm = std::string(OUTPUT) + INPUT_PERM;
        if (f_.find_tensor(bias) || f_.find_tensor(perm))
            return fail("'" + bias + "' or '" + perm + "' without '" + schema::weight(OUTPUT) +
                        "'");
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
    return rotations(model);
}

bool model_loader::rotations(llama_model &model) {
    std::string error;
    const std::optional<uint64_t> seed = gguf_get_uint(f_, schema::keys::ROTATION_SEED, &error),
                                  max_block =
                                      gguf_get_uint(f_, schema::keys::ROTATION_BLOCK, &error),
                                  factor = gguf_get_uint(f_, schema::keys::ROTATION_FACTOR, &error);
    if (!error.empty()) { // it names the file already
        error_ = error;
        return false;
    }
    if (!seed && !max_block && !factor) return true;
    const std::string seed_key = schema::keys::ROTATION_SEED,
                      block_key = schema::keys::ROTATION_BLOCK;
    if (!seed || !max_block)
        return fail("keys '" + seed_key + "' and '" + block_key + "' go together");
    if (*seed > UINT32_MAX)
        return fail("key '" + seed_key + "' is " + std::to_string(*seed) + ", above 2^32 - 1");
    const std::string factor_key = schema::keys::ROTATION_FACTOR;
    const uint64_t max_factor = factor.value_or(1); // files before the factors: 1
    for (const auto &[key, value] : {std::pair{block_key, *max_block}, {factor_key, max_factor}})
        if (value == 0 || value > (1u << 16))
            return fail("key '" + key + "' is " + std::to_string(value) + ", not 1 to 65536");
    const hparams &hp = model.hp;
    for (int il = 0; il < hp.n_layer; il++) {
        layer &l = model.layers[size_t(il)];
        const struct {
            layer_input input;
            int64_t n;
            std::vector<linear *> readers;
        } inputs[N_LAYER_INPUTS] = {
            {layer_input::attn, hp.n_embd, {&l.wq, &l.wk, &l.wv}},
            {layer_input::attn_output, hp.n_embd, {&l.wo}},
            {layer_input::ffn, hp.n_embd, {&l.w_gate, &l.w_up}},
            {layer_input::ffn_down, hp.n_ff, {&l.w_down}},
        };
        for (const auto &in : inputs) {
            const int64_t b = rotation_block(in.n, int64_t(*max_block), int64_t(max_factor));
            model.input_signs.push_back(rotation_signs(uint32_t(*seed), il, in.input, in.n));
            ggml_tensor *t = ggml_new_tensor_2d(model.weights, GGML_TYPE_I32, b, in.n / b);
            t->data = model.input_signs.back().data();
            ggml_format_name(t, "blk.%d.input_signs.%d", il, int(in.input));
            for (linear *w : in.readers) w->input_signs = t;
        }
    }
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
    // and the rotations' signs, if any: for at most the layers the file can
    // hold (9 tensors each; the loader refuses a block_count above that)
    const size_t n_tensors =
        f.tensors().size() +
        std::min<size_t>(size_t(model->hp.n_layer), f.tensors().size() / 9) * N_LAYER_INPUTS;
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
