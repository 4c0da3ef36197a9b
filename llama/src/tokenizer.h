// SentencePiece BPE tokenization as llama.cpp's "llama" (SPM) tokenizer and
// sentencepiece itself do it: a space prefix, spaces as U+2581, merges of
// adjacent pieces by best score, byte fallback for what no piece covers.
#pragma once

#include "vocab.h"

#include <array>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace llama {

class tokenizer {
  public:
    // Throws std::invalid_argument if check_vocab(v) fails (load_vocab
    // never returns such a vocabulary).
    explicit tokenizer(vocab v);

    const llama::vocab &get_vocab() const { return vocab_; }
    int32_t n_tokens() const { return int32_t(vocab_.tokens.size()); }

    // Token ids of the text (bytes, normally UTF-8), after BOS if add_bos.
    // An empty text gives no tokens but BOS.
    std::vector<token_id> encode(std::string_view text, bool add_bos) const;

    // The bytes one token stands for: its piece with U+2581 as a space, a
    // byte token's byte (maybe part of a UTF-8 character), "" for control
    // tokens (BOS, EOS) and ids out of range, " \u2047 " for the unknown token
    // (as sentencepiece shows it).
    std::string token_to_piece(token_id id) const;

    // The bytes of `id` as they read after `prev` (-1: nothing): a piece that
    // starts the text (after nothing but control tokens such as BOS) loses
    // the space prefix the encoder added; byte tokens keep their space.
    std::string piece_after(token_id prev, token_id id) const;

    // The text of a sequence: the pieces joined as piece_after reads them,
    // as sentencepiece decodes.
    // decode(encode(t, b)) == t for every text t without U+2581 when the
    // vocabulary has all 256 byte tokens and the piece U+2581 (Llama's has):
    // as in sentencepiece, a U+2581 in the text reads back as a space, and
    // without that piece spaces become byte tokens that read back as U+2581.
    std::string decode(std::span<const token_id> ids) const;

  private:
    struct string_hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    // Pieces that merges may produce: normal, user-defined and unused
    // tokens (sentencepiece keeps control, unknown and byte tokens apart).
    std::unordered_map<std::string, token_id, string_hash, std::equal_to<>> mergeable_;
    std::array<token_id, 256> byte_tokens_; // -1 where the vocabulary has no <0xXX>
    std::vector<std::string> surfaces_;     // token_to_piece of every id
    llama::vocab vocab_;

    token_id find_mergeable(std::string_view piece) const;
    void segment(std::string_view normalized, std::vector<token_id> *out) const;
    void emit_bytes(std::string_view symbol, std::vector<token_id> *out) const;
};

} // namespace llama
