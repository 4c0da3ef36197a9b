#include "tokenizer.h"

#include <queue>
#include <stdexcept>

namespace llama {

namespace {

constexpr std::string_view SPACE_MARK = "\xE2\x96\x81";        // U+2581, SentencePiece's space
constexpr std::string_view UNKNOWN_SURFACE = " \xE2\x81\x87 "; // U+2047 with spaces

// Bytes of the UTF-8 character at the start of s: 1 to 4 by the lead byte,
// if that many continuation bytes follow. Otherwise (invalid UTF-8) 1, so a
// stray byte never swallows the characters after it (llama.cpp's table
// would, and then a following space is lost in decoding).
size_t utf8_length(std::string_view s) {
    const auto lead = uint8_t(s[0]);
    const size_t n = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF8 ? 4 : 1;
    if (n > s.size()) return 1;
    for (size_t i = 1; i < n; i++)
        if ((uint8_t(s[i]) & 0xC0) != 0x80) return 1;
    return n;
}

std::string surface_of(const std::string &piece, token_type type) {
    switch (type) {
    case token_type::CONTROL: return "";
    case token_type::UNKNOWN: return std::string(UNKNOWN_SURFACE);
    case token_type::BYTE: {
        uint8_t byte = 0;
        parse_byte_piece(piece, &byte);
        return std::string(1, char(byte));
    }
    default: break;
    }
    std::string text;
    for (size_t i = 0; i < piece.size();) {
        if (piece.compare(i, SPACE_MARK.size(), SPACE_MARK) == 0) {
            text += ' ';
            i += SPACE_MARK.size();
        } else {
            text += piece[i++];
        }
    }
    return text;
}

// One piece of the text during merging: a byte range of the normalized
// text, in a linked list of the pieces still standing.
struct symbol {
    int64_t prev;
    int64_t next;
    size_t begin;
    size_t length; // 0 once merged into its left neighbour
};

// A possible merge of two adjacent symbols into a vocabulary piece.
struct merge_candidate {
    float score;
    int64_t left;
    int64_t right;
    size_t length; // of the merged piece: stale if the symbols changed since
};

// Best score first; among equal scores the leftmost pair.
struct lower_priority {
    bool operator()(const merge_candidate &a, const merge_candidate &b) const {
        return a.score < b.score || (a.score == b.score && a.left > b.left);
    }
};

} // namespace

tokenizer::tokenizer(llama::vocab v) : vocab_(std::move(v)) {
    if (std::string problem = check_vocab(vocab_); !problem.empty())
        throw std::invalid_argument("tokenizer: " + problem);
    byte_tokens_.fill(-1);
    surfaces_.reserve(vocab_.tokens.size());
    for (size_t i = 0; i < vocab_.tokens.size(); i++) {
        const std::string &piece = vocab_.tokens[i];
        const token_type type = vocab_.types[i];
        const auto id = token_id(i);
        if (type == token_type::NORMAL || type == token_type::USER_DEFINED ||
            type == token_type::UNUSED || type == token_type::UNDEFINED)
            mergeable_.emplace(piece, id); // the first of duplicate pieces wins
        uint8_t byte;
        if (type == token_type::BYTE && parse_byte_piece(piece, &byte) && byte_tokens_[byte] < 0)
            byte_tokens_[byte] = id;
        surfaces_.push_back(surface_of(piece, type));
    }
}

token_id tokenizer::find_mergeable(std::string_view piece) const {
    auto it = mergeable_.find(piece);
    return it == mergeable_.end() ? -1 : it->second;
}

std::vector<token_id> tokenizer::encode(std::string_view text, bool add_bos) const {
    std::vector<token_id> out;
    if (add_bos && vocab_.bos_id >= 0) out.push_back(vocab_.bos_id); // a vocabulary may have none
    if (text.empty()) return out;
    std::string normalized;
    normalized.reserve(text.size() + SPACE_MARK.size() * 2);
    if (vocab_.add_space_prefix) normalized += SPACE_MARK;
    for (char c : text) {
        if (c == ' ')
            normalized += SPACE_MARK;
        else
            normalized += c;
    }
    segment(normalized, &out);
    return out;
}

void tokenizer::segment(std::string_view text, std::vector<token_id> *out) const {
    std::vector<symbol> symbols;
    for (size_t pos = 0; pos < text.size();) {
        const size_t length = utf8_length(text.substr(pos));
        const auto index = int64_t(symbols.size());
        symbols.push_back({index - 1, pos + length < text.size() ? index + 1 : -1, pos, length});
        pos += length;
    }
    auto piece = [&](int64_t s) {
        return text.substr(symbols[size_t(s)].begin, symbols[size_t(s)].length);
    };

    // Merges into UNUSED pieces are undone at the end (sentencepiece's
    // resegmentation): they still block other merges meanwhile.
    std::unordered_map<std::string_view, std::pair<std::string_view, std::string_view>> unmerge;
    std::priority_queue<merge_candidate, std::vector<merge_candidate>, lower_priority> agenda;
    auto consider = [&](int64_t left, int64_t right) {
        if (left < 0 || right < 0) return;
        const std::string_view merged =
            text.substr(symbols[size_t(left)].begin,
                        symbols[size_t(left)].length + symbols[size_t(right)].length);
        const token_id id = find_mergeable(merged);
        if (id < 0) return;
        agenda.push({vocab_.scores[size_t(id)], left, right, merged.size()});
        if (vocab_.types[size_t(id)] == token_type::UNUSED)
            unmerge[merged] = {piece(left), piece(right)};
    };
    for (int64_t i = 1; i < int64_t(symbols.size()); i++) consider(i - 1, i);

    while (!agenda.empty()) {
        const merge_candidate best = agenda.top();
        agenda.pop();
        symbol &left = symbols[size_t(best.left)];
        symbol &right = symbols[size_t(best.right)];
        if (left.length == 0 || right.length == 0 || left.length + right.length != best.length)
            continue;
        left.length += right.length;
        left.next = right.next;
        if (right.next >= 0) symbols[size_t(right.next)].prev = best.left;
        right.length = 0;
        consider(left.prev, best.left);
        consider(best.left, left.next);
    }

    std::function<void(std::string_view)> emit = [&](std::string_view s) {
        const token_id id = find_mergeable(s);
        if (id < 0) {
            emit_bytes(s, out);
            return;
        }
        if (vocab_.types[size_t(id)] == token_type::UNUSED) {
            if (auto it = unmerge.find(s); it != unmerge.end()) {
                emit(it->second.first);
                emit(it->second.second);
                return;
            }
        }
        out->push_back(id);
    };
    for (int64_t s = symbols.empty() ? -1 : 0; s >= 0; s = symbols[size_t(s)].next) emit(piece(s));
}

// A symbol no piece covers (a single character): its bytes as byte tokens,
// or one unknown token if the vocabulary lacks any of them.
void tokenizer::emit_bytes(std::string_view symbol, std::vector<token_id> *out) const {
    for (char c : symbol) {
        if (byte_tokens_[uint8_t(c)] < 0) {
            out->push_back(vocab_.unk_id);
            return;
        }
    }
    for (char c : symbol) out->push_back(byte_tokens_[uint8_t(c)]);
}

std::string tokenizer::token_to_piece(token_id id) const {
    if (id < 0 || id >= n_tokens()) return "";
    return surfaces_[size_t(id)];
}

std::string tokenizer::piece_after(token_id prev, token_id id) const {
    if (id < 0 || id >= n_tokens()) return "";
    const bool at_start =
        prev < 0 || prev >= n_tokens() || vocab_.types[size_t(prev)] == token_type::CONTROL;
    const std::string &s = surfaces_[size_t(id)];
    const bool strip = at_start && vocab_.add_space_prefix &&
                       vocab_.types[size_t(id)] != token_type::BYTE && !s.empty() && s[0] == ' ';
    return s.substr(strip ? 1 : 0);
}

std::string tokenizer::decode(std::span<const token_id> ids) const {
    std::string text;
    token_id prev = -1; // the last token that is not a control token
    for (token_id id : ids) {
        if (id < 0 || id >= n_tokens() || vocab_.types[size_t(id)] == token_type::CONTROL) continue;
        text += piece_after(prev, id);
        prev = id;
    }
    return text;
}

} // namespace llama
