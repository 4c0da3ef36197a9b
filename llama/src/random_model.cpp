// Models with random weights, for measuring speed at shapes no real model
// at hand has (bench --random 7B). The weights are a few random rows per
// tensor, repeated: their values don't matter to speed, only their type and
// where they live.
#include "model.h"
#include "string_printf.h"
#include "system_memory.h"
#include "type_fallback.h"

#include <cstring>
#include <random>

namespace {

using namespace llama;

// A vocabulary that the tokenizer accepts: <unk>, <s>, </s>, the 256 byte
// tokens, then filler pieces.
vocab synthetic_vocab(int32_t n_vocab) {
    vocab v;
    auto add = [&](std::string piece, token_type type, float score) {
        v.tokens.push_back(std::move(piece));
        v.types.push_back(type);
        v.scores.push_back(score);
    };
    add("<unk>", token_type::UNKNOWN, 0.0f);
    add("<s>", token_type::CONTROL, 0.0f);
    add("</s>", token_type::CONTROL, 0.0f);
    for (int b = 0; b < 256; b++) {
        char piece[8];
        std::snprintf(piece, sizeof piece, "<0x%02X>", b);
        add(piece, token_type::BYTE, 0.0f);
    }
    while (int32_t(v.tokens.size()) < n_vocab)
        add("\xe2\x96\x81tok" + std::to_string(v.tokens.size()), token_type::NORMAL,
            -float(v.tokens.size()));
    return v;
}

struct random_builder {
    ggml_context *ctx;
    ggml_type type;
    uint32_t seed;
    int n_made = 0;

    // The type a matrix with rows of ne0 gets: `type`, or llama.cpp's
    // fallback when the rows don't fit its blocks (as quantize does).
    ggml_type type_for(int64_t ne0) const { return llama::fallback_type(type, ne0); }

    // (128 bits: int32 shapes can make sizes beyond 64)
    static unsigned __int128 bytes(ggml_type t, int64_t ne0, int64_t ne1) {
        return (unsigned __int128)ggml_row_size(t, ne0) * uint64_t(ne1) + ggml_tensor_overhead() +
               64;
    }

    ggml_tensor *make(const char *name, ggml_type t, int64_t ne0, int64_t ne1, float mean,
                      float stddev) {
        ggml_tensor *x =
            ne1 == 1 ? ggml_new_tensor_1d(ctx, t, ne0) : ggml_new_tensor_2d(ctx, t, ne0, ne1);
        ggml_set_name(x, name);
        std::mt19937 rng(seed + uint32_t(n_made++));
        std::normal_distribution<float> dist(mean, stddev);
        constexpr int64_t pool_rows = 8;
        const size_t row = ggml_row_size(t, ne0);
        std::vector<float> values(static_cast<size_t>(ne0));
        std::vector<uint8_t> pool(row * pool_rows);
        for (int64_t r = 0; r < pool_rows; r++) {
            for (float &v : values) v = dist(rng);
            ggml_quantize_rows(t, values.data(), pool.data() + size_t(r) * row, 1, ne0);
        }
        for (int64_t r = 0; r < ne1; r++)
            std::memcpy(static_cast<char *>(x->data) + size_t(r) * row,
                        pool.data() + size_t(r % pool_rows) * row, row);
        return x;
    }

    ggml_tensor *matrix(const std::string &name, int64_t ne0, int64_t ne1) {
        return make(name.c_str(), type_for(ne0), ne0, ne1, 0.0f, 0.02f);
    }
    ggml_tensor *norm(const std::string &name, int64_t ne0) {
        return make(name.c_str(), GGML_TYPE_F32, ne0, 1, 1.0f, 0.01f);
    }
};

} // namespace

bool llama_model_shape_preset(const char *name, llama_model_shape *shape) {
    struct preset {
        const char *name;
        llama_model_shape shape; // vocab, ctx, embd, layers, ff, heads, kv heads
    };
    static const preset presets[] = {
        {"15M", {32000, 256, 288, 6, 768, 6, 6}},
        {"110M", {32000, 1024, 768, 12, 2048, 12, 12}},
        {"1.1B", {32000, 2048, 2048, 22, 5632, 32, 4}},
        {"7B", {32000, 4096, 4096, 32, 11008, 32, 32}},
    };
    for (const preset &p : presets) {
        if (strcasecmp(p.name, name) == 0) {
            *shape = p.shape;
            return true;
        }
    }
    return false;
}

namespace {

llama_model *random_model(llama_model_shape s, ggml_type type, uint32_t seed) {
    if (s.n_vocab < 260 || s.n_ctx_train < 1 || s.n_embd < 2 || s.n_layer < 1 || s.n_ff < 1 ||
        s.n_head < 1 || s.n_head_kv < 1 || s.n_embd % s.n_head != 0 ||
        s.n_head % s.n_head_kv != 0 || (s.n_embd / s.n_head) % 2 != 0) {
        set_error("invalid model shape (vocabulary >= 260, heads dividing the dimension into an "
                  "even head size, kv heads dividing heads)");
        return nullptr;
    }
    if (!ggml_type_is_valid(uint32_t(type)) || !ggml_is_weight_type(type)) {
        set_error("a random model's weights cannot be of that type");
        return nullptr;
    }
    auto model = std::make_unique<llama_model>();
    hparams &hp = model->hp;
    hp = {s.n_vocab,   s.n_ctx_train,       s.n_embd, s.n_layer, s.n_ff, s.n_head,
          s.n_head_kv, s.n_embd / s.n_head, 1e-5f,    10000.0f};

    // one arena for every tensor
    random_builder b{nullptr, type, seed};
    const int64_t embd = hp.n_embd, kv = hp.n_embd_kv(), ff = hp.n_ff, vocab_n = hp.n_vocab;
    unsigned __int128 total = 2 * random_builder::bytes(b.type_for(embd), embd, vocab_n) +
                              random_builder::bytes(GGML_TYPE_F32, embd, 1);
    const unsigned __int128 per_layer = 2 * random_builder::bytes(GGML_TYPE_F32, embd, 1) +
                                        2 * random_builder::bytes(b.type_for(embd), embd, embd) +
                                        2 * random_builder::bytes(b.type_for(embd), embd, kv) +
                                        2 * random_builder::bytes(b.type_for(embd), embd, ff) +
                                        random_builder::bytes(b.type_for(ff), ff, embd);
    total += uint64_t(hp.n_layer) * per_layer;
    // the weights are written at once: with overcommit, an allocation larger
    // than memory would succeed and the writes be killed by the kernel
    const std::optional<uint64_t> room = available_memory();
    const bool fits = total <= SIZE_MAX && (!room || total <= *room);
    model->weights = fits ? ggml_init({size_t(total), nullptr, false}) : nullptr;
    if (!model->weights) {
        set_error(string_printf("a random model of %.0f MiB does not fit in memory",
                                double(total) / double(1 << 20)));
        return nullptr;
    }
    b.ctx = model->weights;

    model->tok_embd = b.matrix("token_embd.weight", embd, vocab_n);
    model->output_norm = b.norm("output_norm.weight", embd);
    model->output.weight = b.matrix("output.weight", embd, vocab_n);
    for (int il = 0; il < hp.n_layer; il++) {
        const std::string p = "blk." + std::to_string(il) + ".";
        layer l{};
        l.attn_norm = b.norm(p + "attn_norm.weight", embd);
        l.wq.weight = b.matrix(p + "attn_q.weight", embd, embd);
        l.wk.weight = b.matrix(p + "attn_k.weight", embd, kv);
        l.wv.weight = b.matrix(p + "attn_v.weight", embd, kv);
        l.wo.weight = b.matrix(p + "attn_output.weight", embd, embd);
        l.ffn_norm = b.norm(p + "ffn_norm.weight", embd);
        l.w_gate.weight = b.matrix(p + "ffn_gate.weight", embd, ff);
        l.w_up.weight = b.matrix(p + "ffn_up.weight", embd, ff);
        l.w_down.weight = b.matrix(p + "ffn_down.weight", ff, embd);
        model->layers.push_back(l);
    }
    if (!repack_weights(*model)) {
        set_error("out of memory for repacking a random model's weights");
        return nullptr;
    }
    model->tok = tokenizer::create(synthetic_vocab(hp.n_vocab));
    model->desc = describe(*model) + " (random)";
    return model.release();
}

} // namespace

llama_model *llama_model_random(llama_model_shape s, ggml_type type, uint32_t seed) {
    return c_api_call("llama_model_random", static_cast<llama_model *>(nullptr),
                      [&] { return random_model(s, type, seed); });
}
