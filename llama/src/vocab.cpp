#include "vocab.h"

#include "gguf_keys.h"
#include "string_printf.h"

#include <cinttypes>
#include <limits>

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

bool parse_byte_piece(std::string_view piece, uint8_t *byte) {
    if (piece.size() != 6 || piece.substr(0, 3) != "<0x" || piece[5] != '>' || !is_hex(piece[3]) ||
        !is_hex(piece[4]))
        return false;
    *byte = uint8_t(hex_value(piece[3]) * 16 + hex_value(piece[4]));
    return true;
}

std::string check_vocab(const vocab &v) {
    const size_t n = v.tokens.size();
    if (n == 0) return "the vocabulary is empty";
    if (n > size_t(std::numeric_limits<token_id>::max()))
        return string_printf("%zu tokens are more than token ids can number", n);
    if (v.scores.size() != n || v.types.size() != n)
        return string_printf("%zu tokens but %zu scores and %zu token types", n, v.scores.size(),
                             v.types.size());
    for (size_t i = 0; i < n; i++) {
        const auto type = int32_t(v.types[i]);
        if (type < int32_t(token_type::UNDEFINED) || type > int32_t(token_type::BYTE))
            return string_printf("token %zu has unknown type %d", i, type);
        uint8_t byte;
        if (v.types[i] == token_type::BYTE && !parse_byte_piece(v.tokens[i], &byte))
            return string_printf("byte token %zu is '%s', not <0xXX>", i, v.tokens[i].c_str());
    }
    const struct {
        const char *name;
        token_id id;
        bool required;
    } specials[] = {
        {"BOS", v.bos_id, v.add_bos}, {"EOS", v.eos_id, false}, {"unknown", v.unk_id, true}};
    for (const auto &s : specials) {
        if (s.id == -1 && s.required)
            return string_printf("the vocabulary has no %s token", s.name);
        if (s.id < -1 || s.id >= token_id(n))
            return string_printf("the %s token id %d is not below the vocabulary size %zu", s.name,
                                 s.id, n);
    }
    return "";
}

bool load_vocab(const gguf_file &f, vocab *out, std::string *error) {
    const std::optional<std::string> model = gguf_require_string(f, keys::TOKENIZER_MODEL, error);
    if (!model) return false;
    if (*model != "llama") {
        *error = f.path() + ": tokenizer.ggml.model is '" + *model +
                 "'; only 'llama' (SentencePiece BPE) is supported";
        return false;
    }
    const gguf_array *tokens = gguf_require_array(f, keys::TOKENS, gguf_type::STRING, error);
    if (!tokens) return false;
    const gguf_array *scores = gguf_require_array(f, keys::SCORES, gguf_type::FLOAT32, error);
    if (!scores) return false;
    const gguf_array *types = gguf_require_array(f, keys::TOKEN_TYPE, gguf_type::INT32, error);
    if (!types) return false;

    vocab v;
    v.tokens.reserve(tokens->values.size());
    for (const gguf_scalar &s : tokens->values) v.tokens.push_back(std::get<std::string>(s));
    v.scores.reserve(scores->values.size());
    for (const gguf_scalar &s : scores->values) v.scores.push_back(float(std::get<double>(s)));
    v.types.reserve(types->values.size());
    for (const gguf_scalar &s : types->values) v.types.push_back(token_type(std::get<int64_t>(s)));

    if (!read_id(f, keys::BOS_ID, 1, &v.bos_id, error) ||
        !read_id(f, keys::EOS_ID, 2, &v.eos_id, error) ||
        !read_id(f, keys::UNK_ID, 0, &v.unk_id, error))
        return false;
    std::string flag_error; // the getters leave it empty when a key is absent
    v.add_bos = gguf_get_bool(f, keys::ADD_BOS, &flag_error).value_or(true);
    v.add_space_prefix = gguf_get_bool(f, keys::ADD_SPACE_PREFIX, &flag_error).value_or(true);
    if (!flag_error.empty()) {
        *error = flag_error;
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
    w->set_string(keys::TOKENIZER_MODEL, "llama");
    w->set_strings(keys::TOKENS, v.tokens);
    w->set_f32s(keys::SCORES, v.scores);
    std::vector<int32_t> types;
    types.reserve(v.types.size());
    for (token_type t : v.types) types.push_back(int32_t(t));
    w->set_i32s(keys::TOKEN_TYPE, types);
    w->set_u32(keys::BOS_ID, id(v.bos_id));
    w->set_u32(keys::EOS_ID, id(v.eos_id));
    w->set_u32(keys::UNK_ID, id(v.unk_id));
    w->set_bool(keys::ADD_BOS, v.add_bos);
    w->set_bool(keys::ADD_SPACE_PREFIX, v.add_space_prefix);
}

} // namespace llama
