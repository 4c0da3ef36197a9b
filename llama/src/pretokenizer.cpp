#include "pretokenizer.h"

#include "unicode.h"

#include <algorithm>

namespace llama {

namespace {

using unicode::char_class;

const pretokenizer DEFAULT = {{split_rule::PUNCTUATION_RUNS, split_rule::GPT2,
                               split_rule::NUMBER_RUNS, split_rule::ASCII_DIGIT_TRIPLES}};
const pretokenizer GPT2 = {{split_rule::GPT2}};
const pretokenizer LLAMA3 = {{split_rule::LLAMA3}, true, true};
const pretokenizer LLAMA3_REGEX_ONLY = {{split_rule::LLAMA3}};
const pretokenizer DIGITS_THEN_GPT2 = {{split_rule::EACH_NUMBER, split_rule::GPT2}};

// llama.cpp's names (src/llama-vocab.cpp) of the pre-tokenizers that use
// these expressions and nothing else this project lacks (names that also
// add a separator token or drop BOS are left out).
const struct {
    std::string_view name;
    const pretokenizer *p;
} NAMES[] = {
    {"default", &DEFAULT},
    {"gpt-2", &GPT2},
    {"phi-2", &GPT2},
    {"jina-es", &GPT2},
    {"jina-de", &GPT2},
    {"jina-v2-es", &GPT2},
    {"jina-v2-de", &GPT2},
    {"gigachat", &GPT2},
    {"a.x-4.0", &GPT2},
    {"mellum", &GPT2},
    {"modern-bert", &GPT2},
    {"mpt", &GPT2},
    {"olmo", &GPT2},
    {"jais", &GPT2},
    {"trillion", &GPT2},
    {"granite-docling", &GPT2},
    {"exaone4", &GPT2},
    {"llama3", &LLAMA3},
    {"llama-v3", &LLAMA3},
    {"llama-bpe", &LLAMA3},
    {"falcon3", &LLAMA3},
    {"falcon-h1", &LLAMA3},
    {"pixtral", &LLAMA3},
    {"midm-2.0", &LLAMA3},
    {"lfm2", &LLAMA3},
    {"jina-v5-nano", &LLAMA3},
    {"dbrx", &LLAMA3_REGEX_ONLY},
    {"smaug-bpe", &LLAMA3_REGEX_ONLY},
    {"smollm", &DIGITS_THEN_GPT2},
    {"starcoder", &DIGITS_THEN_GPT2},
    {"refact", &DIGITS_THEN_GPT2},
    {"command-r", &DIGITS_THEN_GPT2},
    {"codeshell", &DIGITS_THEN_GPT2},
    {"exaone", &DIGITS_THEN_GPT2},
    {"minerva-7b", &DIGITS_THEN_GPT2},
    {"mellum2", &DIGITS_THEN_GPT2},
};

// The text as characters: a well-formed UTF-8 character or a stray byte.
struct character {
    size_t offset;
    uint32_t cp;
    char_class cls;
};

// Reads the characters of [begin, end) of a piece, with what lies outside
// as nothing: lookahead stops at the end of the piece, as the expressions,
// applied to each piece on its own, see it.
class piece_view {
  public:
    piece_view(const std::vector<character> &c, size_t end) : c_(c), end_(end) {}
    bool in(size_t i) const { return i < end_; }
    uint32_t cp(size_t i) const { return in(i) ? c_[i].cp : UINT32_MAX; }
    bool is(size_t i, char_class cls) const { return in(i) && c_[i].cls == cls; }
    bool is_space(size_t i) const { return is(i, char_class::WHITESPACE); }
    // [^\s\p{L}\p{N}]
    bool is_other(size_t i) const {
        return in(i) && !is_space(i) && !is(i, char_class::LETTER) && !is(i, char_class::NUMBER);
    }
    bool is_newline(size_t i) const { return cp(i) == '\r' || cp(i) == '\n'; }

  private:
    const std::vector<character> &c_;
    size_t end_;
};

uint32_t ascii_lower(uint32_t cp) { return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp; }

// 's|'t|'re|'ve|'m|'ll|'d at i: the end of the match, or i.
size_t contraction(const piece_view &v, size_t i, bool ignore_case) {
    if (v.cp(i) != '\'') return i;
    const auto at = [&](size_t k) { return ignore_case ? ascii_lower(v.cp(k)) : v.cp(k); };
    const uint32_t a = at(i + 1), b = at(i + 2);
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return i + 2;
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return i + 3;
    return i;
}

// \s+(?!\S)|\s+ at i (whitespace there): the longest run, less its last
// character when more than one and something follows, so that the last
// space goes with the next word.
size_t whitespace_run(const piece_view &v, size_t i) {
    size_t j = i;
    while (v.is_space(j)) j++;
    return j - i > 1 && v.in(j) ? j - 1 : j;
}

size_t match_gpt2(const piece_view &v, size_t i) {
    if (const size_t j = contraction(v, i, false); j > i) return j;
    // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
    const size_t k = v.cp(i) == ' ' ? i + 1 : i;
    const auto run_from_k = [&](auto same) {
        size_t j = k + 1;
        while (same(j)) j++;
        return j;
    };
    if (v.is(k, char_class::LETTER))
        return run_from_k([&](size_t x) { return v.is(x, char_class::LETTER); });
    if (v.is(k, char_class::NUMBER))
        return run_from_k([&](size_t x) { return v.is(x, char_class::NUMBER); });
    if (v.is_other(k)) return run_from_k([&](size_t x) { return v.is_other(x); });
    return whitespace_run(v, i);
}

size_t match_llama3(const piece_view &v, size_t i) {
    if (const size_t j = contraction(v, i, true); j > i) return j;
    // [^\r\n\p{L}\p{N}]?\p{L}+
    const bool letter = v.is(i, char_class::LETTER);
    if (letter ||
        (!v.is_newline(i) && !v.is(i, char_class::NUMBER) && v.is(i + 1, char_class::LETTER))) {
        size_t j = i + 1;
        while (v.is(j, char_class::LETTER)) j++;
        return j;
    }
    // \p{N}{1,3}
    if (v.is(i, char_class::NUMBER)) {
        size_t j = i + 1;
        while (j < i + 3 && v.is(j, char_class::NUMBER)) j++;
        return j;
    }
    // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
    if (const size_t k = v.cp(i) == ' ' ? i + 1 : i; v.is_other(k)) {
        size_t j = k + 1;
        while (v.is_other(j)) j++;
        while (v.is_newline(j)) j++;
        return j;
    }
    // \s*[\r\n]+: the whitespace up to its last line break
    size_t last_newline_end = i;
    for (size_t j = i; v.is_space(j); j++)
        if (v.is_newline(j)) last_newline_end = j + 1;
    if (last_newline_end > i) return last_newline_end;
    return whitespace_run(v, i);
}

// For the isolating rules: whether a match of a single class run or
// character starts at i, and where it ends.
size_t match_isolated(split_rule rule, const piece_view &v, size_t i) {
    const auto run = [&](auto in_class) {
        size_t j = i;
        while (v.in(j) && in_class(j)) j++;
        return j;
    };
    switch (rule) {
    case split_rule::EACH_NUMBER: return v.is(i, char_class::NUMBER) ? i + 1 : i;
    case split_rule::NUMBER_RUNS: return run([&](size_t k) { return v.is(k, char_class::NUMBER); });
    case split_rule::PUNCTUATION_RUNS:
        return run([&](size_t k) {
            const uint32_t cp = v.cp(k);
            return v.is(k, char_class::PUNCTUATION) ||
                   (cp < 0x80 &&
                    std::string_view("$+<=>^~|").find(char(cp)) != std::string_view::npos);
        });
    case split_rule::ASCII_DIGIT_TRIPLES: {
        const auto digit = [&](size_t k) { return v.cp(k) >= '0' && v.cp(k) <= '9'; };
        return digit(i) && digit(i + 1) && digit(i + 2) ? i + 3 : i;
    }
    default: return i;
    }
}

// Cuts the piece [begin, end) of the characters by the rule, appending the
// ends of its parts.
void split(split_rule rule, const std::vector<character> &c, size_t begin, size_t end,
           std::vector<size_t> *ends) {
    const piece_view v(c, end);
    for (size_t i = begin; i < end;) {
        size_t j;
        if (rule == split_rule::GPT2) {
            j = match_gpt2(v, i);
        } else if (rule == split_rule::LLAMA3) {
            j = match_llama3(v, i);
        } else {
            j = match_isolated(rule, v, i);
            if (j == i) { // the text up to the next match
                while (j < end && match_isolated(rule, v, j) == j) j++;
            }
        }
        ends->push_back(j);
        i = j;
    }
}

} // namespace

const pretokenizer *find_pretokenizer(std::string_view name) {
    for (const auto &n : NAMES)
        if (n.name == name) return n.p;
    return nullptr;
}

std::string pretokenizer_names() {
    std::string names;
    for (const auto &n : NAMES) names += (names.empty() ? "" : ", ") + std::string(n.name);
    return names;
}

std::vector<std::string_view> pretokenize(const pretokenizer &p, std::string_view text) {
    std::vector<character> chars;
    chars.reserve(text.size() + 1);
    for (size_t pos = 0; pos < text.size();) {
        const size_t length = unicode::utf8_length(text.substr(pos));
        const uint32_t cp = unicode::code_point(text.substr(pos), length);
        chars.push_back({pos, cp, unicode::classify(cp)});
        pos += length;
    }
    chars.push_back({text.size(), UINT32_MAX, char_class::OTHER}); // the end, for offsets

    std::vector<size_t> ends = {chars.size() - 1}, next; // ends of the pieces, in characters
    for (split_rule rule : p.rules) {
        next.clear();
        size_t begin = 0;
        for (size_t end : ends) {
            split(rule, chars, begin, end, &next);
            begin = end;
        }
        std::swap(ends, next);
    }
    std::vector<std::string_view> words;
    words.reserve(ends.size());
    size_t begin = 0;
    for (size_t end : ends) {
        words.push_back(text.substr(chars[begin].offset, chars[end].offset - chars[begin].offset));
        begin = end;
    }
    return words;
}

} // namespace llama
