// Byte-level BPE as GPT-2, Llama 3 and SmolLM use it (llama.cpp's "gpt2"
// tokenizer, Hugging Face's ByteLevel + BPE): the pre-tokenizer cuts the text
// into words; each word's bytes start as one token each and the pair of
// adjacent tokens with the lowest merge rank is merged until none is left.
#pragma once

#include "pretokenizer.h"
#include "tokenizer.h"

#include <functional>
#include <unordered_map>

namespace llama {

class bpe_tokenizer : public tokenizer {
  public:
    explicit bpe_tokenizer(llama::vocab v);

  private:
    struct merge {
        int32_t rank;
        token_id result;
    };
    struct string_hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    const pretokenizer *pre_;
    std::array<token_id, 256> byte_tokens_{};    // the token of each byte, if it has one
    std::unordered_map<uint64_t, merge> merges_; // by left << 32 | right
    // Every token by its text, for ignore_merges.
    std::unordered_map<std::string, token_id, string_hash, std::equal_to<>> ids_;

    void encode_text(std::string_view text, std::vector<token_id> *out) const override;
    void encode_word(std::string_view word, std::vector<token_id> *out) const;
};

} // namespace llama
