#include "tokenizer.h"

#include "bpe_tokenizer.h"
#include "spm_tokenizer.h"

#include <algorithm>
#include <stdexcept>

namespace llama {

namespace {

// Texts of the tokens that end a turn for llama.cpp whatever the metadata
// says (its list of end-of-generation tokens, the common ones).
constexpr std::string_view END_OF_TURN_TEXTS[] = {
    "<|eot_id|>",    "<|im_end|>",      "<|end|>",    "<end_of_turn>",
    "<|endoftext|>", "<|end_of_text|>", "<|eom_id|>", "<EOT>",
};

} // namespace

std::unique_ptr<tokenizer> tokenizer::create(vocab v) {
    if (std::string problem = check_vocab(v); !problem.empty())
        throw std::invalid_argument("tokenizer: " + problem);
    switch (v.kind) {
    case tokenizer_kind::SPM: return std::make_unique<spm_tokenizer>(std::move(v));
    case tokenizer_kind::BPE: return std::make_unique<bpe_tokenizer>(std::move(v));
    }
    throw std::invalid_argument("tokenizer: unknown kind");
}

tokenizer::tokenizer(llama::vocab v,
                     std::string (*surface)(const std::string &piece, token_type type))
    : vocab_(std::move(v)) {
    const size_t n = vocab_.tokens.size();
    surfaces_.reserve(n);
    eog_.assign(n, false);
    for (size_t i = 0; i < n; i++) {
        const std::string &text = vocab_.tokens[i];
        const token_type type = vocab_.types[i];
        surfaces_.push_back(surface(text, type));
        const bool special = type == token_type::CONTROL || type == token_type::USER_DEFINED ||
                             type == token_type::UNKNOWN;
        if (special && !text.empty()) specials_[uint8_t(text[0])].push_back(token_id(i));
        for (std::string_view end : END_OF_TURN_TEXTS)
            if (text == end) eog_[i] = true;
    }
    for (token_id id : {vocab_.eos_id, vocab_.eot_id, vocab_.eom_id})
        if (id >= 0) eog_[size_t(id)] = true;
    for (std::vector<token_id> &ids : specials_)
        std::stable_sort(ids.begin(), ids.end(), [&](token_id a, token_id b) {
            return vocab_.tokens[size_t(a)].size() > vocab_.tokens[size_t(b)].size();
        });
}

token_id tokenizer::special_at(std::string_view text, bool parse_special) const {
    for (token_id id : specials_[uint8_t(text[0])]) {
        const std::string &s = vocab_.tokens[size_t(id)];
        if (!parse_special && vocab_.types[size_t(id)] != token_type::USER_DEFINED) continue;
        if (text.substr(0, s.size()) == s) return id;
    }
    return -1;
}

std::vector<token_id> tokenizer::encode(std::string_view text, bool add_bos,
                                        bool parse_special) const {
    std::vector<token_id> out;
    if (add_bos && vocab_.add_bos) out.push_back(vocab_.bos_id); // check_vocab: there is one
    size_t plain = 0; // where the plain text not yet encoded starts
    for (size_t pos = 0; pos < text.size();) {
        const token_id id = special_at(text.substr(pos), parse_special);
        if (id < 0) {
            pos++;
            continue;
        }
        if (pos > plain) encode_text(text.substr(plain, pos - plain), &out);
        out.push_back(id);
        pos += vocab_.tokens[size_t(id)].size();
        plain = pos;
    }
    if (text.size() > plain) encode_text(text.substr(plain), &out);
    return out;
}

std::string tokenizer::token_to_piece(token_id id, bool special) const {
    if (id < 0 || id >= n_tokens()) return "";
    if (special && vocab_.types[size_t(id)] == token_type::CONTROL)
        return vocab_.tokens[size_t(id)];
    return surfaces_[size_t(id)];
}

std::string tokenizer::piece_after(token_id prev, token_id id, bool special) const {
    std::string piece = token_to_piece(id, special);
    const bool at_start =
        prev < 0 || prev >= n_tokens() || vocab_.types[size_t(prev)] == token_type::CONTROL;
    if (!piece.empty() && piece[0] == ' ' && at_start && vocab_.add_space_prefix &&
        vocab_.types[size_t(id)] != token_type::BYTE)
        piece.erase(0, 1);
    return piece;
}

std::string tokenizer::decode(std::span<const token_id> ids, bool special) const {
    std::string text;
    token_id prev = -1;
    for (token_id id : ids) {
        text += piece_after(prev, id, special);
        prev = id;
    }
    return text;
}

bool tokenizer::is_eog(token_id id) const { return id >= 0 && id < n_tokens() && eog_[size_t(id)]; }

} // namespace llama
