// The tokenizer of a model: text to token ids and back. What every kind
// shares lives here (BOS, control and user-defined tokens found in the text,
// pieces, decoding, end-of-generation tokens); each kind of vocabulary
// (vocab.h: SentencePiece or byte-level BPE) encodes the plain text between
// them in its own way, behind encode_text.
#pragma once

#include "vocab.h"

#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llama {

class tokenizer {
  public:
    // The tokenizer of v.kind. Throws std::invalid_argument if check_vocab(v)
    // fails (load_vocab never returns such a vocabulary).
    static std::unique_ptr<tokenizer> create(vocab v);
    virtual ~tokenizer() = default;
    tokenizer(const tokenizer &) = delete;
    tokenizer &operator=(const tokenizer &) = delete;

    const llama::vocab &get_vocab() const { return vocab_; }
    int32_t n_tokens() const { return int32_t(vocab_.tokens.size()); }

    // Token ids of the text (bytes, normally UTF-8), after BOS if add_bos and
    // the vocabulary asks for it (vocab.add_bos). User-defined tokens are always found in the
    // text as single tokens; control tokens (<|im_start|>, <s>, ...) only
    // with parse_special, otherwise their text is plain text like any other.
    // Where two could start at the same place the longest wins. An empty
    // text gives no tokens but BOS.
    std::vector<token_id> encode(std::string_view text, bool add_bos, bool parse_special) const;

    // The bytes one token stands for (maybe part of a UTF-8 character); ""
    // for ids out of range and for control tokens unless `special`, when
    // they give their text.
    std::string token_to_piece(token_id id, bool special) const;

    // The bytes of `id` as they read after `prev` (-1: nothing): where the
    // vocabulary adds a space before the text (SentencePiece), a piece that
    // starts the text, or follows a control token, loses it again; byte
    // tokens keep their space.
    std::string piece_after(token_id prev, token_id id, bool special) const;

    // The text of a sequence: the pieces joined as piece_after reads them.
    // Without `special` control tokens are left out, so that
    // decode(encode(t, b, false), false) == t for every byte string t when
    // the vocabulary covers every byte (byte tokens or byte-level BPE).
    std::string decode(std::span<const token_id> ids, bool special) const;

    // Whether generating `id` ends a turn: EOS, EOT, EOM and the tokens
    // llama.cpp treats so by their text (<|im_end|>, <|eot_id|>, ...).
    bool is_eog(token_id id) const;

  protected:
    // `surface` gives the bytes a (piece, type) of this kind stands for.
    tokenizer(llama::vocab v, std::string (*surface)(const std::string &piece, token_type type));

    // Appends the ids of plain text: the whole text, or a stretch of it at
    // its start or after a special token (where SentencePiece puts its space
    // prefix, as llama.cpp does), with no special token in it.
    virtual void encode_text(std::string_view text, std::vector<token_id> *out) const = 0;

  private:
    llama::vocab vocab_;
    std::vector<std::string> surfaces_; // token_to_piece(id, false) of every id
    // Tokens found in the text before it is encoded, by their first byte,
    // longest first: user-defined tokens, and control and unknown tokens
    // (the latter only with parse_special).
    std::array<std::vector<token_id>, 256> specials_;
    std::vector<bool> eog_;

    // The special token at the start of text (-1: none).
    token_id special_at(std::string_view text, bool parse_special) const;
};

} // namespace llama
