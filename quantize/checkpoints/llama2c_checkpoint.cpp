#include "checkpoints/llama2c_checkpoint.h"

#include "string_printf.h"

#include <cinttypes>
#include <cstring>

namespace convert {

using llama::string_printf;

namespace {

constexpr size_t HEADER_BYTES = 7 * sizeof(int32_t);
// llama2.c's export.py writes this magic in its versioned formats (1, 2),
// which run.c cannot read; the legacy format starts with dim instead.
constexpr uint32_t VERSIONED_EXPORT_MAGIC = 0x616b3432; // "ak42"

constexpr float RMS_EPSILON = 1e-5f;       // run.c's rmsnorm
constexpr float ROPE_FREQ_BASE = 10000.0f; // run.c's RoPE

// Counts floats with overflow detection: the header's int32 sizes multiply
// to far more than 64 bits in a hostile file.
class float_layout {
  public:
    // Reserves an array of a * b * c floats; returns its offset in floats.
    uint64_t add(uint64_t a, uint64_t b = 1, uint64_t c = 1) {
        uint64_t n = 0;
        overflow_ |= __builtin_mul_overflow(a, b, &n) || __builtin_mul_overflow(n, c, &n);
        const uint64_t offset = total_;
        overflow_ |= __builtin_add_overflow(total_, n, &total_);
        return offset;
    }
    uint64_t total() const { return total_; }
    bool overflow() const { return overflow_ || total_ > (UINT64_MAX - HEADER_BYTES) / 4; }

  private:
    uint64_t total_ = 0;
    bool overflow_ = false;
};

struct weight_offsets {
    uint64_t token_embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, rms_final, wcls;
};

// Where run.c's memory_map_weights finds each array, in floats after the
// header, and the total count.
weight_offsets layout_of(const llama2c_config &c, bool shared_classifier, float_layout *layout) {
    const uint64_t L = uint64_t(c.n_layers), dim = uint64_t(c.dim), hidden = uint64_t(c.hidden_dim);
    const uint64_t kv_dim = uint64_t(c.kv_dim()), vocab = uint64_t(c.vocab_size);
    weight_offsets o{};
    o.token_embedding = layout->add(vocab, dim);
    o.rms_att = layout->add(L, dim);
    o.wq = layout->add(L, dim, dim);
    o.wk = layout->add(L, kv_dim, dim);
    o.wv = layout->add(L, kv_dim, dim);
    o.wo = layout->add(L, dim, dim);
    o.rms_ffn = layout->add(L, dim);
    o.w1 = layout->add(L, hidden, dim);
    o.w2 = layout->add(L, dim, hidden);
    o.w3 = layout->add(L, hidden, dim);
    o.rms_final = layout->add(dim);
    layout->add(uint64_t(c.seq_len), uint64_t(c.head_size())); // freq_cis_real, freq_cis_imag
    o.wcls = shared_classifier ? o.token_embedding : layout->add(vocab, dim);
    return o;
}

// Checks the header's fields; "" or what is wrong.
std::string check_header(const int32_t h[7], llama2c_config *c) {
    static const char *const names[7] = {"dim",        "hidden_dim", "n_layers", "n_heads",
                                         "n_kv_heads", "vocab_size", "seq_len"};
    for (int i = 0; i < 7; i++) {
        if (i == 5) continue;
        if (h[i] <= 0)
            return string_printf("header: %s is %d; it must be positive", names[i], h[i]);
    }
    if (h[5] == 0 || h[5] == INT32_MIN) return string_printf("header: vocab_size is %d", h[5]);
    *c = {h[0], h[1], h[2], h[3], h[4], h[5] > 0 ? h[5] : -h[5], h[6], h[5] > 0};
    if (c->dim % c->n_heads != 0)
        return string_printf("header: dim %d is not a multiple of n_heads %d", c->dim, c->n_heads);
    if (c->n_kv_heads > c->n_heads || c->n_heads % c->n_kv_heads != 0)
        return string_printf("header: n_kv_heads %d does not divide n_heads %d", c->n_kv_heads,
                             c->n_heads);
    if (c->head_size() % 2 != 0)
        return string_printf("header: the head size %d is odd; RoPE rotates pairs", c->head_size());
    return "";
}

std::string describe(const llama2c_config &c) {
    return string_printf("dim %d, hidden_dim %d, n_layers %d, n_heads %d, n_kv_heads %d, "
                         "vocab_size %d (%s classifier), seq_len %d",
                         c.dim, c.hidden_dim, c.n_layers, c.n_heads, c.n_kv_heads, c.vocab_size,
                         c.shared_classifier ? "shared" : "separate", c.seq_len);
}

// A llama2.c piece as SentencePiece spells it: llama2.c's exporter turned
// U+2581 into spaces and wrapped BOS and EOS in newlines.
std::string spm_piece(std::string raw) {
    if (raw == "\n<s>\n") return "<s>";
    if (raw == "\n</s>\n") return "</s>";
    std::string piece;
    for (char ch : raw) {
        if (ch == ' ')
            piece += "\xE2\x96\x81";
        else
            piece += ch;
    }
    return piece;
}

llama::token_type type_of(const std::string &piece) {
    uint8_t byte;
    if (piece == "<unk>") return llama::token_type::UNKNOWN;
    if (piece == "<s>" || piece == "</s>") return llama::token_type::CONTROL;
    if (llama::parse_byte_piece(piece, &byte)) return llama::token_type::BYTE;
    return llama::token_type::NORMAL;
}

} // namespace

std::unique_ptr<llama2c_checkpoint> llama2c_checkpoint::open(const std::string &path,
                                                             std::string *error) {
    std::unique_ptr<llama::mapped_file> map = llama::mapped_file::open(path, error);
    if (!map) return nullptr;
    auto fail = [&](const std::string &what) {
        *error = path + ": " + what;
        return nullptr;
    };
    uint32_t magic = 0;
    if (map->size() >= sizeof(magic)) std::memcpy(&magic, map->data(), sizeof(magic));
    if (magic == VERSIONED_EXPORT_MAGIC)
        return fail("this is a versioned llama2.c export (magic \"ak42\"); only the legacy "
                    "format run.c reads is supported (export.py --version 0)");
    if (map->size() < HEADER_BYTES)
        return fail(string_printf("the file is %zu bytes, shorter than the %zu-byte header",
                                  map->size(), HEADER_BYTES));
    int32_t header[7];
    std::memcpy(header, map->data(), HEADER_BYTES);
    llama2c_config c{};
    if (std::string problem = check_header(header, &c); !problem.empty()) return fail(problem);

    float_layout layout;
    const weight_offsets o = layout_of(c, c.shared_classifier, &layout);
    if (layout.overflow())
        return fail("header: the sizes are impossibly large (" + describe(c) + ")");
    const uint64_t expected = HEADER_BYTES + layout.total() * sizeof(float);
    if (map->size() != expected) {
        float_layout other;
        layout_of(c, !c.shared_classifier, &other);
        const uint64_t other_size = HEADER_BYTES + other.total() * sizeof(float);
        std::string hint = map->size() < expected ? " (truncated?)" : " (trailing data?)";
        if (!other.overflow() && map->size() == other_size)
            hint = c.shared_classifier
                       ? " (that size fits a separate classifier: should vocab_size be negative?)"
                       : " (that size fits a shared classifier: should vocab_size be positive?)";
        return fail(string_printf("the file is %zu bytes, but a checkpoint with this header "
                                  "(%s) is %" PRIu64 " bytes%s",
                                  map->size(), describe(c).c_str(), expected, hint.c_str()));
    }

    std::unique_ptr<llama2c_checkpoint> ckpt(new llama2c_checkpoint());
    const auto *base = reinterpret_cast<const float *>(map->data() + HEADER_BYTES);
    ckpt->weights_ = {base + o.token_embedding,
                      base + o.rms_att,
                      base + o.wq,
                      base + o.wk,
                      base + o.wv,
                      base + o.wo,
                      base + o.rms_ffn,
                      base + o.w1,
                      base + o.w2,
                      base + o.w3,
                      base + o.rms_final,
                      base + o.wcls};
    ckpt->config_ = c;
    ckpt->map_ = std::move(map);
    return ckpt;
}

bool read_llama2c_tokenizer(const std::string &path, int32_t n_vocab, llama::vocab *out,
                            std::string *error) {
    std::unique_ptr<llama::mapped_file> map = llama::mapped_file::open(path, error);
    if (!map) return false;
    auto fail = [&](const std::string &what) {
        *error = path + ": " + what;
        return false;
    };
    const uint8_t *data = map->data();
    const size_t size = map->size();
    size_t pos = sizeof(int32_t); // max_token_length: run.c's buffer size, not needed here
    if (size < pos) return fail("the file is too short for a llama2.c tokenizer");

    llama::vocab v;
    for (int32_t i = 0; i < n_vocab; i++) {
        float score;
        int32_t length;
        if (size - pos < sizeof(score) + sizeof(length))
            return fail(
                string_printf("the file ends after %d of the model's %d tokens", i, n_vocab));
        std::memcpy(&score, data + pos, sizeof(score));
        std::memcpy(&length, data + pos + sizeof(score), sizeof(length));
        pos += sizeof(score) + sizeof(length);
        if (length < 0) return fail(string_printf("token %d has length %d", i, length));
        if (size_t(length) > size - pos)
            return fail(
                string_printf("token %d (%d bytes) runs past the end of the file", i, length));
        v.tokens.push_back(
            spm_piece(std::string(reinterpret_cast<const char *>(data + pos), size_t(length))));
        v.scores.push_back(score);
        v.types.push_back(type_of(v.tokens.back()));
        pos += size_t(length);
    }
    if (pos != size)
        return fail(string_printf("the file holds more than the model's %d tokens (%zu bytes "
                                  "are left): is it the tokenizer of another model?",
                                  n_vocab, size - pos));
    static const char *const fixed[3] = {"<unk>", "<s>", "</s>"}; // run.c's ids 0, 1, 2
    for (int32_t id = 0; id < 3; id++) {
        if (id >= n_vocab || v.tokens[size_t(id)] != fixed[id])
            return fail(string_printf("token %d must be %s, as run.c assumes", id, fixed[id]));
    }
    v.unk_id = 0;
    v.bos_id = 1;
    v.eos_id = 2;
    if (std::string problem = llama::check_vocab(v); !problem.empty()) return fail(problem);
    *out = std::move(v);
    return true;
}

void add_llama2c_model(const llama2c_checkpoint &ckpt, const llama::vocab &vocab,
                       const std::string &name, out_type type, llama::gguf_writer *w) {
    const llama2c_config &c = ckpt.config();
    const llama2c_weights &wt = ckpt.weights();
    llama::hparams hp{};
    hp.n_vocab = c.vocab_size;
    hp.n_ctx_train = c.seq_len;
    hp.n_embd = c.dim;
    hp.n_layer = c.n_layers;
    hp.n_ff = c.hidden_dim;
    hp.n_head = c.n_heads;
    hp.n_head_kv = c.n_kv_heads;
    hp.n_rot = c.head_size();
    hp.rms_eps = RMS_EPSILON;
    hp.rope_freq_base = ROPE_FREQ_BASE;
    set_llama_metadata(hp, name, type, w);
    llama::store_vocab(vocab, w);

    const int64_t dim = c.dim, hidden = c.hidden_dim, kv_dim = c.kv_dim();
    auto add = [&](std::string tensor, const float *src, int64_t ne0, int64_t ne1 = 0) {
        const int64_t ne[2] = {ne0, ne1};
        add_weight(std::move(tensor), ne1 ? 2 : 1, ne, src, type, w);
    };
    using namespace llama::schema::tensors;
    using llama::schema::weight;
    add(weight(TOKEN_EMBD), wt.token_embedding, dim, c.vocab_size);
    for (int32_t l = 0; l < c.n_layers; l++) {
        auto name = [l](const char *base) { return weight(llama::schema::layer_tensor(l, base)); };
        const int64_t L = l;
        add(name(ATTN_NORM), wt.rms_att + L * dim, dim);
        add(name(ATTN_Q), wt.wq + L * dim * dim, dim, dim);
        add(name(ATTN_K), wt.wk + L * kv_dim * dim, dim, kv_dim);
        add(name(ATTN_V), wt.wv + L * kv_dim * dim, dim, kv_dim);
        add(name(ATTN_OUTPUT), wt.wo + L * dim * dim, dim, dim);
        add(name(FFN_NORM), wt.rms_ffn + L * dim, dim);
        add(name(FFN_GATE), wt.w1 + L * hidden * dim, dim, hidden);
        add(name(FFN_UP), wt.w3 + L * hidden * dim, dim, hidden);
        add(name(FFN_DOWN), wt.w2 + L * dim * hidden, hidden, dim);
    }
    add(weight(OUTPUT_NORM), wt.rms_final, dim);
    if (!c.shared_classifier) add(weight(OUTPUT), wt.wcls, dim, c.vocab_size);
}

} // namespace convert
