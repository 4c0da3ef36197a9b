// The pre-tokenizers of byte-level BPE: the text is cut into words by
// regular expressions before BPE merges within each word. The expressions
// are hand-written here (no regex library), each to match exactly what
// llama.cpp and Hugging Face tokenizers match, on the Unicode classes of
// unicode.h. A pre-tokenizer is a chain of rules: each cuts every piece the
// previous one left.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace llama {

enum class split_rule {
    // GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    GPT2,
    // Llama 3: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
    //          ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
    // (the case-insensitive contractions as llama.cpp reads them: ASCII only)
    LLAMA3,
    // The rules below isolate what they match: matches and the text between
    // them become separate pieces.
    EACH_NUMBER,        // \p{N}
    NUMBER_RUNS,        // \p{N}+
    PUNCTUATION_RUNS,   // [\p{P}\$\+<=>\^~\|]+
    ASCII_DIGIT_TRIPLES // [0-9][0-9][0-9]
};

struct pretokenizer {
    std::vector<split_rule> rules;
    // Whether a word that is a token as a whole is that token, without
    // merges (Hugging Face's ignore_merges, set for Llama 3).
    bool ignore_merges = false;
    bool add_bos = false; // llama.cpp's default for add_bos_token with this pre-tokenizer
};

// The pre-tokenizer llama.cpp uses for tokenizer.ggml.pre `name` ("default",
// "gpt-2", "llama-bpe", "smollm", ... the names of the expressions above);
// nullptr for another name.
const pretokenizer *find_pretokenizer(std::string_view name);

// The names find_pretokenizer knows, comma-separated, for messages.
std::string pretokenizer_names();

// The words of the text, in order; together they are the whole text.
std::vector<std::string_view> pretokenize(const pretokenizer &p, std::string_view text);

} // namespace llama
