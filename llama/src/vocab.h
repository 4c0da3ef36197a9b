// The vocabulary of a model as GGUF stores it (tokenizer.ggml.*), of either
// kind: SentencePiece BPE (tokenizer.ggml.model "llama") or GPT-2-style
// byte-level BPE ("gpt2"), with its loader and the inverse for converters.
#pragma once

#include "gguf_file.h"
#include "gguf_writer.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llama {

using token_id = int32_t;

// GGUF token types (llama.cpp's numbering).
enum class token_type : int32_t {
    UNDEFINED = 0,
    NORMAL = 1,
    UNKNOWN = 2,
    CONTROL = 3,
    USER_DEFINED = 4,
    UNUSED = 5,
    BYTE = 6,
};

enum class tokenizer_kind {
    SPM, // "llama": SentencePiece BPE, merges by score, byte fallback <0xXX>
    BPE, // "gpt2": byte-level BPE, merges by rank after a pre-tokenizer
};

// Special ids are -1 when the vocabulary has no such token (GGUF: UINT32_MAX).
struct vocab {
    tokenizer_kind kind = tokenizer_kind::SPM;
    // SPM: pieces, spaces spelled U+2581. BPE: bytes spelled as GPT-2's
    // byte-to-unicode characters (a space is U+0120), except user-defined
    // and control tokens, which are their text.
    std::vector<std::string> tokens;
    std::vector<float> scores; // SPM: merge priority, higher merges first. BPE: empty
    std::vector<token_type> types;
    std::vector<std::string> merges; // BPE: "left right" token pairs, first merged first
    std::string pre;                 // BPE: the pre-tokenizer's name (pretokenizer.h)
    token_id bos_id = 1;
    token_id eos_id = 2;
    token_id unk_id = 0;
    token_id eot_id = -1;         // end of turn (<|eot_id|>); ends generation like EOS
    token_id eom_id = -1;         // end of message (<|eom_id|>); likewise
    bool add_bos = true;          // whether prompts start with BOS by default
    bool add_space_prefix = true; // SentencePiece's "dummy prefix" before the text
    std::string chat_template;    // tokenizer.chat_template (Jinja), "" when absent
};

// Checks what the tokenizer relies on: non-empty tokens and types of equal
// length, known types, special ids in range, and per kind: SPM: a score per
// token, byte tokens spelled <0xXX>, an unknown token and, with add_bos, a
// BOS token. BPE: unique, non-empty token texts, merges of two tokens into
// a token, a known pre-tokenizer. (Not every byte needs a token: SmolLM2's
// vocabulary has none for 21 bytes that are rare or never in UTF-8.) Returns "" or what is wrong,
// naming the GGUF key where one is.
std::string check_vocab(const vocab &v);

// Reads the tokenizer from the file's metadata, of the kind
// tokenizer.ggml.model names ("llama" or "gpt2"). Optional keys take
// llama.cpp's defaults: SPM bos 1, eos 2, unk 0, add_bos and
// add_space_prefix true; BPE no space prefix (whatever the key says) and
// add_bos as llama.cpp sets it for the pre-tokenizer (tokenizer.ggml.pre,
// "default" when absent), but no BOS, EOS or unknown token unless the file
// names one (llama.cpp guesses id 11). False and *error (naming the file and the key) when a key is
// missing, has the wrong type, or check_vocab fails.
bool load_vocab(const gguf_file &f, vocab *out, std::string *error);

// Sets the tokenizer.ggml.* keys load_vocab reads.
void store_vocab(const vocab &v, gguf_writer *w);

// The two tokens of a BPE merge "left right": split at its first space
// after the first byte (a merge of a space token spells it U+0120, but a
// vocabulary that is not byte-level may have " " itself on the left). False
// when there is no such space or nothing after it.
bool split_merge(std::string_view merge, std::string_view *left, std::string_view *right);

// The byte of a byte token's piece "<0xXX>" (two upper- or lower-case hex
// digits); false for any other text.
bool parse_byte_piece(std::string_view piece, uint8_t *byte);

} // namespace llama
