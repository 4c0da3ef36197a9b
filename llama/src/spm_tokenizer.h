// SentencePiece BPE as llama.cpp's "llama" (SPM) tokenizer and sentencepiece
// itself do it: a space prefix, spaces as U+2581, merges of adjacent pieces
// by best score, byte fallback for what no piece covers.
#pragma once

#include "tokenizer.h"

#include <functional>
#include <unordered_map>

namespace llama {

class spm_tokenizer : public tokenizer {
  public:
    explicit spm_tokenizer(llama::vocab v);

  private:
    struct string_hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    // Pieces that merges may produce: normal, user-defined and unused
    // tokens (sentencepiece keeps control, unknown and byte tokens apart).
    std::unordered_map<std::string, token_id, string_hash, std::equal_to<>> mergeable_;
    std::array<token_id, 256> byte_tokens_; // -1 where the vocabulary has no <0xXX>

    void encode_text(std::string_view text, std::vector<token_id> *out) const override;
    token_id find_mergeable(std::string_view piece) const;
    void segment(std::string_view normalized, std::vector<token_id> *out) const;
    void emit_bytes(std::string_view symbol, std::vector<token_id> *out) const;
};

} // namespace llama
