#include "bpe_tokenizer.h"

#include "byte_level.h"

#include <queue>

namespace llama {

namespace {

// User-defined tokens are their text (added to the vocabulary as text, not
// as bytes); normal ones are byte-level spelled. A piece with a character
// that spells no byte stands for its own text.
std::string surface_of(const std::string &piece, token_type type) {
    switch (type) {
    case token_type::CONTROL:
    case token_type::UNKNOWN: return "";
    case token_type::USER_DEFINED: return piece;
    case token_type::BYTE: {
        uint8_t byte = 0;
        if (parse_byte_piece(piece, &byte)) return std::string(1, char(byte));
        break;
    }
    default: break;
    }
    std::string bytes;
    return byte_level::bytes_of(piece, &bytes) ? bytes : piece;
}

// A byte the vocabulary has no token for stands as this: it merges with
// nothing and is left out of the output, as llama.cpp and Hugging Face
// tokenizers drop it.
constexpr token_id NO_TOKEN = -2;

uint64_t pair_key(token_id left, token_id right) { return uint64_t(left) << 32 | uint32_t(right); }

// A token of the word during merging, in a linked list of those standing.
struct symbol {
    token_id id; // NO_TOKEN for a byte without one; -1 once merged into its left neighbour
    int32_t prev;
    int32_t next;
};

// A possible merge of two adjacent symbols: stale once either changed.
struct merge_candidate {
    int32_t rank;
    int32_t left;
    int32_t right;
    token_id left_id;
    token_id right_id;
    token_id result;
};

// Lowest rank first; among equal ranks the leftmost pair.
struct lower_priority {
    bool operator()(const merge_candidate &a, const merge_candidate &b) const {
        return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
    }
};

} // namespace

bpe_tokenizer::bpe_tokenizer(llama::vocab v)
    : tokenizer(std::move(v), surface_of), pre_(find_pretokenizer(get_vocab().pre)) {
    const llama::vocab &voc = get_vocab();
    for (size_t i = 0; i < voc.tokens.size(); i++) ids_.emplace(voc.tokens[i], token_id(i));
    for (size_t b = 0; b < 256; b++) {
        const auto it = ids_.find(byte_level::spelling(uint8_t(b)));
        byte_tokens_[b] = it == ids_.end() ? NO_TOKEN : it->second;
    }
    merges_.reserve(voc.merges.size());
    for (size_t rank = 0; rank < voc.merges.size(); rank++) {
        std::string_view left, right;
        split_merge(voc.merges[rank], &left, &right); // check_vocab: it splits into tokens
        const std::string l(left), r(right);
        merges_.emplace(pair_key(ids_.at(l), ids_.at(r)),
                        merge{int32_t(rank), ids_.at(l + r)}); // the first rank stays
    }
}

void bpe_tokenizer::encode_text(std::string_view text, std::vector<token_id> *out) const {
    for (std::string_view word : pretokenize(*pre_, text)) encode_word(word, out);
}

void bpe_tokenizer::encode_word(std::string_view word, std::vector<token_id> *out) const {
    if (pre_->ignore_merges) {
        std::string spelled;
        for (char c : word) spelled += byte_level::spelling(uint8_t(c));
        if (auto it = ids_.find(spelled); it != ids_.end()) {
            out->push_back(it->second);
            return;
        }
    }
    std::vector<symbol> symbols;
    symbols.reserve(word.size());
    const auto n = int32_t(word.size());
    for (int32_t i = 0; i < n; i++)
        symbols.push_back({byte_tokens_[uint8_t(word[size_t(i)])], i - 1, i + 1 < n ? i + 1 : -1});

    std::priority_queue<merge_candidate, std::vector<merge_candidate>, lower_priority> agenda;
    auto consider = [&](int32_t left, int32_t right) {
        if (left < 0 || right < 0) return;
        const token_id a = symbols[size_t(left)].id, b = symbols[size_t(right)].id;
        if (auto it = merges_.find(pair_key(a, b)); it != merges_.end())
            agenda.push({it->second.rank, left, right, a, b, it->second.result});
    };
    for (int32_t i = 1; i < n; i++) consider(i - 1, i);

    while (!agenda.empty()) {
        const merge_candidate best = agenda.top();
        agenda.pop();
        symbol &left = symbols[size_t(best.left)];
        symbol &right = symbols[size_t(best.right)];
        if (left.id != best.left_id || right.id != best.right_id || left.next != best.right)
            continue;
        left.id = best.result;
        left.next = right.next;
        if (right.next >= 0) symbols[size_t(right.next)].prev = best.left;
        right.id = -1;
        consider(left.prev, best.left);
        consider(best.left, left.next);
    }
    for (int32_t s = n > 0 ? 0 : -1; s >= 0; s = symbols[size_t(s)].next)
        if (symbols[size_t(s)].id != NO_TOKEN) out->push_back(symbols[size_t(s)].id);
}

} // namespace llama
