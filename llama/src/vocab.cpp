#include "vocab.h"

#include "pretokenizer.h"
#include "schema.h"
#include "string_printf.h"

#include <cinttypes>
#include <limits>
#include <unordered_map>

namespace llama {

namespace {

constexpr uint64_t NO_TOKEN = UINT32_MAX; // how GGUF files say "none" for an id

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

int hex_value(char c) {
    if (c <= '9') return c - '0';
    return (c | 0x20) - 'a' + 10;
}

// A special token id key: absent -> fallback; UINT32_MAX or -1 -> -1.
bool read_id(const gguf_file &f, const char *key, token_id fallback, token_id *out,
             std::string *error) {
    const gguf_value *v = f.find(key);
    if (!v) {
        *out = fallback;
        return true;
    }
    if (const auto *i = std::get_if<int64_t>(&v->v); i && *i == -1) {
        *out = -1;
        return true;
    }
    const std::optional<uint64_t> id = gguf_get_uint(f, key, error);
    if (!id) return false;
    if (*id == NO_TOKEN) {
        *out = -1;
    } else if (*id > uint64_t(std::numeric_limits<token_id>::max())) {
        *error = string_printf("%s: key '%s' is %" PRIu64 ", not a token id", f.path().c_str(), key,
                               *id);
        return false;
    } else {
        *out = token_id(*id);
    }
    return true;
}

} // namespace

bool split_merge(std::string_view merge, std::string_view *left, std::string_view *right) {
    const size_t space = merge.find(' ', 1);
    if (space == std::string_view::npos || space + 1 == merge.size()) return false;
    *left = merge.substr(0, space);
    *right = merge.substr(space + 1);
    return true;
}

bool parse_byte_piece(std::string_view piece, uint8_t *byte) {
    if (piece.size() != 6 || piece.substr(0, 3) != "<0x" || piece[5] != '>' || !is_hex(piece[3]) ||
        !is_hex(piece[4]))
        return false;
    *byte = uint8_t(hex_value(piece[3]) * 16 + hex_value(piece[4]));
    return true;
}

namespace {

std::string check_spm(const vocab &v) {
    const size_t n = v.tokens.size();
    if (v.scores.size() != n)
        return string_printf("%zu tokens but %zu scores and %zu token types", n, v.scores.size(),
                             v.types.size());
    for (size_t i = 0; i < n; i++) {
        uint8_t byte;
        if (v.types[i] == token_type::BYTE && !parse_byte_piece(v.tokens[i], &byte))
            return string_printf("byte token %zu is '%s', not <0xXX>", i, v.tokens[i].c_str());
    }
    if (v.unk_id == -1) return "the vocabulary has no unknown token";
    return "";
}

std::string check_bpe(const vocab &v) {
    if (!v.scores.empty()) return "a byte-level BPE vocabulary has no scores";
    if (!find_pretokenizer(v.pre))
        return string_printf("%s: unknown pre-tokenizer '%s' (known: %s)", schema::keys::PRE,
                             v.pre.c_str(), pretokenizer_names().c_str());
    std::unordered_map<std::string_view, size_t> ids;
    ids.reserve(v.tokens.size());
    for (size_t i = 0; i < v.tokens.size(); i++) {
        if (v.tokens[i].empty())
            return string_printf("%s: token %zu is empty", schema::keys::TOKENS, i);
        if (auto [it, fresh] = ids.emplace(v.tokens[i], i); !fresh)
            return string_printf("%s: token %zu '%s' is token %zu too", schema::keys::TOKENS, i,
                                 v.tokens[i].c_str(), it->second);
    }
    for (size_t i = 0; i < v.merges.size(); i++) {
        const std::string &m = v.merges[i];
        std::string_view left, right;
        if (!split_merge(m, &left, &right))
            return string_printf("%s: merge %zu '%s' is not two tokens separated by a space",
                                 schema::keys::MERGES, i, m.c_str());
        const std::string l(left), r(right);
        for (const std::string &t : {l, r, l + r})
            if (!ids.count(t))
                return string_printf("%s: merge %zu '%s': '%s' is not a token",
                                     schema::keys::MERGES, i, m.c_str(), t.c_str());
    }
    return "";
}

} // namespace

std::string check_vocab(const vocab &v) {
    const size_t n = v.tokens.size();
    if (n == 0) return "the vocabulary is empty";
    if (n > size_t(std::numeric_limits<token_id>::max()))
        return string_printf("%zu tokens are more than token ids can number", n);
    if (v.types.size() != n)
        return string_printf("%zu tokens but %zu scores and %zu token types", n, v.scores.size(),
                             v.types.size());
    for (size_t i = 0; i < n; i++) {
        const auto type = int32_t(v.types[i]);
        if (type < int32_t(token_type::UNDEFINED) || type > int32_t(token_type::BYTE))
            return string_printf("token %zu has unknown type %d", i, type);
    }
    const struct {
        const char *name;
        token_id id;
    } specials[] = {{"BOS", v.bos_id},
                    {"EOS", v.eos_id},
                    {"unknown", v.unk_id},
                    {"EOT", v.eot_id},
                    {"EOM", v.eom_id}};
    for (const auto &s : specials)
        if (s.id < -1 || s.id >= token_id(n))
            return string_printf("the %s token id %d is not below the vocabulary size %zu", s.name,
                                 s.id, n);
    if (v.add_bos && v.bos_id == -1) return "the vocabulary has no BOS token";
    return v.kind == tokenizer_kind::SPM ? check_spm(v) : check_bpe(v);
}

namespace {

// The strings of an array key.
std::vector<std::string> strings_of(const gguf_array &a) {
    std::vector<std::string> out;
    out.reserve(a.values.size());
    for (const gguf_scalar &s : a.values) out.push_back(std::get<std::string>(s));
    return out;
}

// The kind-specific keys: SPM scores; BPE merges and pre-tokenizer.
bool load_kind_keys(const gguf_file &f, vocab *v, std::string *error) {
    if (v->kind == tokenizer_kind::SPM) {
        const gguf_array *scores =
            gguf_require_array(f, schema::keys::SCORES, gguf_type::FLOAT32, error);
        if (!scores) return false;
        v->scores.reserve(scores->values.size());
        for (const gguf_scalar &s : scores->values) v->scores.push_back(float(std::get<double>(s)));
        return true;
    }
    const gguf_array *merges =
        gguf_require_array(f, schema::keys::MERGES, gguf_type::STRING, error);
    if (!merges) return false;
    v->merges = strings_of(*merges);
    std::string pre_error; // stays empty when the key is absent
    v->pre = gguf_get_string(f, schema::keys::PRE, &pre_error).value_or("default");
    if (!pre_error.empty()) *error = pre_error;
    return pre_error.empty();
}

} // namespace

bool load_vocab(const gguf_file &f, vocab *out, std::string *error) {
    const std::optional<std::string> model =
        gguf_require_string(f, schema::keys::TOKENIZER_MODEL, error);
    if (!model) return false;
    vocab v;
    if (*model == "gpt2") {
        v.kind = tokenizer_kind::BPE;
    } else if (*model != "llama") {
        *error = f.path() + ": tokenizer.ggml.model is '" + *model +
                 "'; only 'llama' (SentencePiece BPE) and 'gpt2' (byte-level BPE) are supported";
        return false;
    }
    const bool spm = v.kind == tokenizer_kind::SPM;
    const gguf_array *tokens =
        gguf_require_array(f, schema::keys::TOKENS, gguf_type::STRING, error);
    if (!tokens) return false;
    const gguf_array *types =
        gguf_require_array(f, schema::keys::TOKEN_TYPE, gguf_type::INT32, error);
    if (!types) return false;
    v.tokens = strings_of(*tokens);
    v.types.reserve(types->values.size());
    for (const gguf_scalar &s : types->values) v.types.push_back(token_type(std::get<int64_t>(s)));
    if (!load_kind_keys(f, &v, error)) return false;

    if (!read_id(f, schema::keys::BOS_ID, spm ? 1 : -1, &v.bos_id, error) ||
        !read_id(f, schema::keys::EOS_ID, spm ? 2 : -1, &v.eos_id, error) ||
        !read_id(f, schema::keys::UNK_ID, spm ? 0 : -1, &v.unk_id, error) ||
        !read_id(f, schema::keys::EOT_ID, -1, &v.eot_id, error) ||
        !read_id(f, schema::keys::EOM_ID, -1, &v.eom_id, error))
        return false;
    const pretokenizer *pre = spm ? nullptr : find_pretokenizer(v.pre);
    std::string key_error; // the getters leave it empty when a key is absent
    v.add_bos =
        gguf_get_bool(f, schema::keys::ADD_BOS, &key_error).value_or(spm || (pre && pre->add_bos));
    // Byte-level BPE never adds a space before the text, whatever the key says (llama.cpp).
    v.add_space_prefix =
        spm && gguf_get_bool(f, schema::keys::ADD_SPACE_PREFIX, &key_error).value_or(true);
    v.chat_template = gguf_get_string(f, schema::keys::CHAT_TEMPLATE, &key_error).value_or("");
    if (!key_error.empty()) {
        *error = key_error;
        return false;
    }

    if (std::string problem = check_vocab(v); !problem.empty()) {
        *error = f.path() + ": tokenizer: " + problem;
        return false;
    }
    *out = std::move(v);
    return true;
}

void store_vocab(const vocab &v, gguf_writer *w) {
    auto id = [](token_id t) { return t < 0 ? uint32_t(NO_TOKEN) : uint32_t(t); };
    const bool spm = v.kind == tokenizer_kind::SPM;
    w->set_string(schema::keys::TOKENIZER_MODEL, spm ? "llama" : "gpt2");
    if (!spm) w->set_string(schema::keys::PRE, v.pre);
    w->set_strings(schema::keys::TOKENS, v.tokens);
    if (spm) w->set_f32s(schema::keys::SCORES, v.scores);
    std::vector<int32_t> types;
    types.reserve(v.types.size());
    for (token_type t : v.types) types.push_back(int32_t(t));
    w->set_i32s(schema::keys::TOKEN_TYPE, types);
    if (!spm) w->set_strings(schema::keys::MERGES, v.merges);
    w->set_u32(schema::keys::BOS_ID, id(v.bos_id));
    w->set_u32(schema::keys::EOS_ID, id(v.eos_id));
    w->set_u32(schema::keys::UNK_ID, id(v.unk_id));
    if (v.eot_id >= 0) w->set_u32(schema::keys::EOT_ID, id(v.eot_id));
    if (v.eom_id >= 0) w->set_u32(schema::keys::EOM_ID, id(v.eom_id));
    w->set_bool(schema::keys::ADD_BOS, v.add_bos);
    if (spm) w->set_bool(schema::keys::ADD_SPACE_PREFIX, v.add_space_prefix);
    if (!v.chat_template.empty()) w->set_string(schema::keys::CHAT_TEMPLATE, v.chat_template);
}

} // namespace llama
