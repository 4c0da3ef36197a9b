#include "checkpoints/hf_checkpoint.h"

#include "checkpoints/hf_tokenizer.h"
#include "checkpoints/sentencepiece_model.h"

#include "file_type.h"
#include "string_printf.h"

#include <filesystem>
#include <set>

namespace convert {

using llama::string_printf;

namespace {

// GGUF row r of a Q or K matrix (or bias) is Hugging Face row order[r]:
// Hugging Face's RoPE rotates element i of a head with element i + hd/2,
// GGUF's rotates elements 2i and 2i + 1, so GGUF's pair (2i, 2i + 1) is
// Hugging Face's (i, i + hd/2).
std::vector<int32_t> rope_row_order(int64_t n_rows, int64_t n_head) {
    const int64_t hd = n_rows / n_head;
    std::vector<int32_t> order(static_cast<size_t>(n_rows));
    for (int64_t h = 0; h < n_head; h++)
        for (int64_t i = 0; i < hd / 2; i++)
            for (int64_t j = 0; j < 2; j++)
                order[size_t(h * hd + 2 * i + j)] = int32_t(h * hd + j * (hd / 2) + i);
    return order;
}

// A linear layer of the checkpoint on its way into the GGUF.
struct linear_plan {
    std::string gguf;                         // "blk.0.attn_q"
    std::vector<int32_t> row_order;           // GGUF row r = checkpoint row row_order[r]
    std::shared_ptr<const gptq_linear> quant; // a GPTQ layer, or
    const st_tensor *dense = nullptr;         // a float weight [n_out, n_in]
    const st_tensor *bias = nullptr;          // [n_out] or absent
    bool inputs_reordered_upstream = false;   // the producer's rows carry the input order
};

// Maps checkpoint tensors to GGUF tensors, remembering which were used.
class converter {
  public:
    converter(const safetensors_set &st, const hf_config &c, out_type type, llama::gguf_writer *w)
        : st_(st), c_(c), type_(type), w_(w) {}

    bool run() {
        const int64_t embd = c_.hidden_size, vocab = c_.vocab_size, ff = c_.intermediate_size,
                      embd_kv = int64_t(c_.head_dim()) * c_.num_key_value_heads;
        using namespace llama::schema::tensors;
        using llama::schema::weight;
        if (!dense("model.embed_tokens.weight", weight(TOKEN_EMBD), {vocab, embd}, {}))
            return false;
        std::vector<linear_plan> plans;
        for (int il = 0; il < c_.num_hidden_layers; il++) {
            const std::string hf = "model.layers." + std::to_string(il) + ".";
            auto gg = [il](const char *base) { return llama::schema::layer_tensor(il, base); };
            if (!norm(hf + "input_layernorm.weight", weight(gg(ATTN_NORM)), embd)) return false;
            linear_plan q, k, v, o, gate, up, down;
            if (!plan(hf + "self_attn.q_proj", gg(ATTN_Q), embd, embd, &q) ||
                !plan(hf + "self_attn.k_proj", gg(ATTN_K), embd, embd_kv, &k) ||
                !plan(hf + "self_attn.v_proj", gg(ATTN_V), embd, embd_kv, &v) ||
                !plan(hf + "self_attn.o_proj", gg(ATTN_OUTPUT), embd, embd, &o) ||
                !plan(hf + "mlp.gate_proj", gg(FFN_GATE), embd, ff, &gate) ||
                !plan(hf + "mlp.up_proj", gg(FFN_UP), embd, ff, &up) ||
                !plan(hf + "mlp.down_proj", gg(FFN_DOWN), ff, embd, &down))
                return false;
            q.row_order = rope_row_order(embd, c_.num_attention_heads);
            k.row_order = rope_row_order(embd_kv, c_.num_key_value_heads);
            if (down.quant && down.quant->reorders_inputs()) {
                gate.row_order = up.row_order = down.quant->input_order();
                down.inputs_reordered_upstream = true;
            }
            for (const linear_plan *p : {&q, &k, &v, &o}) emit(*p);
            if (!norm(hf + "post_attention_layernorm.weight", weight(gg(FFN_NORM)), embd))
                return false;
            for (const linear_plan *p : {&gate, &up, &down}) emit(*p);
        }
        if (!norm("model.norm.weight", weight(OUTPUT_NORM), embd)) return false;
        const bool has_head = st_.find("lm_head.weight") || st_.find("lm_head.qweight");
        if (c_.tie_word_embeddings) {
            used_.insert("lm_head.weight"); // a copy of the embedding some tools save
        } else if (has_head) {
            linear_plan head;
            if (!plan("lm_head", OUTPUT, embd, vocab, &head)) return false;
            emit(head);
        }
        return check_all_used();
    }

    const std::string &error() const { return error_; }
    bool any_quantized() const { return any_quantized_; }

  private:
    bool fail(const std::string &what) {
        if (error_.empty()) error_ = what;
        return false;
    }

    // A float tensor with the given torch shape; nullptr (and error) if not.
    const st_tensor *float_tensor(const std::string &name, const std::vector<int64_t> &shape,
                                  bool required) {
        const st_tensor *t = st_.find(name);
        if (!t) {
            if (required) fail(st_.dir() + ": missing tensor '" + name + "'");
            return nullptr;
        }
        used_.insert(name);
        if (t->dtype != st_dtype::F16 && t->dtype != st_dtype::BF16 && t->dtype != st_dtype::F32) {
            fail(t->file + ": tensor '" + name + "' has dtype " + st_dtype_name(t->dtype) +
                 "; weights must be F16, BF16 or F32");
            return nullptr;
        }
        if (t->shape != shape) {
            fail(t->file + ": tensor '" + name + "' has shape " + st_shape_str(t->shape) +
                 ", expected " + st_shape_str(shape) + " from config.json");
            return nullptr;
        }
        return t;
    }

    // A float tensor written in GGUF order (ne reversed), rows in row_order;
    // for a 1-D tensor (a bias) row_order orders its elements, which follow
    // the rows of their weight.
    void add_float(const st_tensor *t, const std::string &gguf, out_type type,
                   std::vector<int32_t> row_order) {
        const int n_dims = int(t->shape.size());
        int64_t ne[GGML_MAX_DIMS] = {1, 1, 1, 1};
        for (int d = 0; d < n_dims; d++) ne[d] = t->shape[size_t(n_dims - 1 - d)];
        const int64_t row = ne[0];
        row_reader read;
        if (n_dims == 1) {
            read = [t, row, order = std::move(row_order)](int64_t, float *out) {
                for (int64_t i = 0; i < row; i++)
                    out[i] = t->get_float(order.empty() ? i : order[size_t(i)]);
            };
        } else {
            read = [t, row, order = std::move(row_order)](int64_t r, float *out) {
                const int64_t src = order.empty() ? r : order[size_t(r)];
                for (int64_t i = 0; i < row; i++) out[i] = t->get_float(src * row + i);
            };
        }
        add_weight(gguf, n_dims, ne, std::move(read), type, w_);
    }

    bool dense(const std::string &hf, const std::string &gguf, std::vector<int64_t> shape,
               std::vector<int32_t> row_order) {
        const st_tensor *t = float_tensor(hf, shape, true);
        if (!t) return false;
        add_float(t, gguf, type_, std::move(row_order));
        return true;
    }

    bool norm(const std::string &hf, const std::string &gguf, int64_t n) {
        const st_tensor *t = float_tensor(hf, {n}, true);
        if (!t) return false;
        add_float(t, gguf, out_type::F32, {});
        return true;
    }

    bool plan(const std::string &hf, const std::string &gguf, int64_t n_in, int64_t n_out,
              linear_plan *p) {
        p->gguf = gguf;
        if (st_.find(hf + ".qweight")) {
            if (!c_.gptq)
                return fail(st_.dir() + ": '" + hf +
                            ".qweight' is a GPTQ tensor, but neither "
                            "config.json (quantization_config) nor quantize_config.json has "
                            "GPTQ settings");
            auto l = std::make_shared<gptq_linear>();
            if (!gptq_linear::open(st_, hf, *c_.gptq, l.get(), &error_)) return false;
            if (l->n_in() != n_in || l->n_out() != n_out)
                return fail(st_.dir() + ": GPTQ layer '" + hf +
                            string_printf("' has %lld inputs and %lld outputs, expected %lld and "
                                          "%lld from config.json",
                                          (long long)l->n_in(), (long long)l->n_out(),
                                          (long long)n_in, (long long)n_out));
            for (const std::string &name : l->tensor_names()) used_.insert(name);
            p->quant = std::move(l);
            any_quantized_ = true;
        } else {
            p->dense = float_tensor(hf + ".weight", {n_out, n_in}, true);
            if (!p->dense) return false;
        }
        p->bias = float_tensor(hf + ".bias", {n_out}, false);
        return error_.empty();
    }

    void emit(const linear_plan &p) {
        if (p.quant) {
            const int64_t ne[2] = {p.quant->n_in(), p.quant->n_out()};
            w_->add_tensor(
                llama::schema::weight(p.gguf), p.quant->type(), 2, ne,
                [l = p.quant, order = p.row_order](void *dst) { l->write_blocks(order, dst); });
            if (p.quant->reorders_inputs() && !p.inputs_reordered_upstream) {
                const std::vector<int32_t> &perm = p.quant->input_order();
                const int64_t n = int64_t(perm.size());
                w_->add_tensor(p.gguf + llama::schema::tensors::INPUT_PERM, GGML_TYPE_I32, 1, &n,
                               perm.data());
            }
        } else {
            add_float(p.dense, llama::schema::weight(p.gguf), type_, p.row_order);
        }
        if (p.bias)
            add_float(p.bias, p.gguf + llama::schema::tensors::BIAS, out_type::F32, p.row_order);
    }

    bool check_all_used() {
        for (const auto &[name, t] : st_.tensors()) {
            // RoPE's frequencies, which older transformers saved as a buffer
            const bool derived = name.ends_with(".rotary_emb.inv_freq");
            if (!used_.count(name) && !derived)
                return fail(t->file + ": tensor '" + name +
                            "' is not part of a llama model as this converter knows it; "
                            "refusing to drop it");
        }
        return true;
    }

    const safetensors_set &st_;
    const hf_config &c_;
    out_type type_;
    llama::gguf_writer *w_;
    std::set<std::string> used_;
    std::string error_;
    bool any_quantized_ = false;
};

} // namespace

std::unique_ptr<hf_checkpoint> hf_checkpoint::open(const std::string &dir, std::string *error) {
    auto ckpt = std::unique_ptr<hf_checkpoint>(new hf_checkpoint());
    ckpt->dir_ = dir;
    if (!read_hf_config(dir, &ckpt->config_, error)) return nullptr;
    ckpt->tensors_ = safetensors_set::open_dir(dir, error);
    if (!ckpt->tensors_) return nullptr;
    std::string tok_path = (std::filesystem::path(dir) / "tokenizer.model").string();
    llama::vocab &v = ckpt->vocab_;
    if (std::filesystem::exists(tok_path)) {
        sentencepiece_model spm;
        if (!read_sentencepiece_model(tok_path, &spm, error)) return nullptr;
        v = std::move(spm.vocab);
    } else {
        tok_path = (std::filesystem::path(dir) / "tokenizer.json").string();
        if (!read_hf_tokenizer(dir, &v, error)) return nullptr;
    }

    // config.json's special tokens are what transformers uses
    const hf_config &c = ckpt->config_;
    if (int64_t(v.tokens.size()) != c.vocab_size) {
        *error = tok_path + string_printf(": %zu tokens, but config.json's vocab_size is %d",
                                          v.tokens.size(), c.vocab_size);
        return nullptr;
    }
    if (c.bos_token_id) v.bos_id = *c.bos_token_id;
    if (c.eos_token_id) v.eos_id = *c.eos_token_id;
    if (std::string problem = llama::check_vocab(v); !problem.empty()) {
        *error = tok_path + " with config.json's token ids: " + problem;
        return nullptr;
    }
    return ckpt;
}

bool hf_checkpoint::add_to(const std::string &name, out_type type, llama::gguf_writer *w,
                           std::string *error) const {
    const hf_config &c = config_;
    llama::hparams hp{};
    hp.n_vocab = c.vocab_size;
    hp.n_ctx_train = c.max_position_embeddings;
    hp.n_embd = c.hidden_size;
    hp.n_layer = c.num_hidden_layers;
    hp.n_ff = c.intermediate_size;
    hp.n_head = c.num_attention_heads;
    hp.n_head_kv = c.num_key_value_heads;
    hp.n_rot = c.head_dim();
    hp.rms_eps = c.rms_norm_eps;
    hp.rope_freq_base = c.rope_theta;
    set_llama_metadata(hp, name, type, w);
    llama::store_vocab(vocab_, w);
    converter conv(*tensors_, c, type, w);
    if (!conv.run()) {
        *error = conv.error();
        return false;
    }
    if (conv.any_quantized())
        w->set_u32(llama::schema::keys::FILE_TYPE, *quantize::file_type_of(c.gptq->block_type()));
    return true;
}

} // namespace convert
