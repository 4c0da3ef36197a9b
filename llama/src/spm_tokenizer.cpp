#include "spm_tokenizer.h"

#include "unicode.h"

#include <queue>

namespace llama {

namespace {

constexpr std::string_view SPACE_MARK = "\xE2\x96\x81";        // U+2581, SentencePiece's space
constexpr std::string_view UNKNOWN_SURFACE = " \xE2\x81\x87 "; // U+2047 with spaces

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

spm_tokenizer::spm_tokenizer(llama::vocab v) : tokenizer(std::move(v), surface_of) {
    const llama::vocab &voc = get_vocab();
    byte_tokens_.fill(-1);
    for (size_t i = 0; i < voc.tokens.size(); i++) {
        const std::string &piece = voc.tokens[i];
        const token_type type = voc.types[i];
        const auto id = token_id(i);
        if (type == token_type::NORMAL || type == token_type::USER_DEFINED ||
            type == token_type::UNUSED || type == token_type::UNDEFINED)
            mergeable_.emplace(piece, id); // the first of duplicate pieces wins
        uint8_t byte;
        if (type == token_type::BYTE && parse_byte_piece(piece, &byte) && byte_tokens_[byte] < 0)
            byte_tokens_[byte] = id;
    }
}

token_id spm_tokenizer::find_mergeable(std::string_view piece) const {
    auto it = mergeable_.find(piece);
    return it == mergeable_.end() ? -1 : it->second;
}

void spm_tokenizer::encode_text(std::string_view text, std::vector<token_id> *out) const {
    std::string normalized;
    normalized.reserve(text.size() + SPACE_MARK.size() * 2);
    if (get_vocab().add_space_prefix) normalized += SPACE_MARK;
    for (char c : text) {
        if (c == ' ')
            normalized += SPACE_MARK;
        else
            normalized += c;
    }
    segment(normalized, out);
}

void spm_tokenizer::segment(std::string_view text, std::vector<token_id> *out) const {
    std::vector<symbol> symbols;
    for (size_t pos = 0; pos < text.size();) {
        const size_t length = unicode::utf8_length(text.substr(pos));
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
        agenda.push({get_vocab().scores[size_t(id)], left, right, merged.size()});
        if (get_vocab().types[size_t(id)] == token_type::UNUSED)
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
        if (get_vocab().types[size_t(id)] == token_type::UNUSED) {
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
void spm_tokenizer::emit_bytes(std::string_view symbol, std::vector<token_id> *out) const {
    for (char c : symbol) {
        if (byte_tokens_[uint8_t(c)] < 0) {
            out->push_back(get_vocab().unk_id);
            return;
        }
    }
    for (char c : symbol) out->push_back(byte_tokens_[uint8_t(c)]);
}

} // namespace llama
