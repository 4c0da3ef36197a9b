// The SentencePiece vocabulary of a llama model as GGUF stores it
// (tokenizer.ggml.*), with its loader and the inverse for converters.
#pragma once

#include "gguf.h"

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

// Special ids are -1 when the vocabulary has no such token (GGUF: UINT32_MAX).
struct vocab {
    std::vector<std::string> tokens; // pieces, spaces spelled U+2581 as in SentencePiece
    std::vector<float> scores;       // merge priority: higher merges first
    std::vector<token_type> types;
    token_id bos_id = 1;
    token_id eos_id = 2;
    token_id unk_id = 0;
    bool add_bos = true;          // whether prompts start with BOS by default
    bool add_space_prefix = true; // SentencePiece's "dummy prefix" before the text
};

// Checks what the tokenizer relies on: tokens, scores and types of equal,
// non-zero length, known types, special ids in range (an unknown token and,
// with add_bos, a BOS token are required), byte tokens spelled <0xXX>.
// Returns "" or what is wrong.
std::string check_vocab(const vocab &v);

// Reads a "llama" (SentencePiece BPE) tokenizer from the file's metadata.
// Optional keys take llama.cpp's defaults (bos 1, eos 2, unk 0, add_bos and
// add_space_prefix true). False and *error (naming the file and the key)
// when a key is missing, has the wrong type, or check_vocab fails.
bool load_vocab(const gguf_file &f, vocab *out, std::string *error);

// Sets the tokenizer.ggml.* keys load_vocab reads.
void store_vocab(const vocab &v, gguf_writer *w);

// The byte of a byte token's piece "<0xXX>" (two upper- or lower-case hex
// digits); false for any other text.
bool parse_byte_piece(std::string_view piece, uint8_t *byte);

} // namespace llama
