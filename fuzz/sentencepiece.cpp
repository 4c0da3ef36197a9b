// SentencePiece tokenizer.model protobufs: the reader, and a tokenizer made
// of what it accepts, which must encode and decode a text unchanged when
// the vocabulary has byte fallback, all 256 byte tokens (a text byte without
// one becomes <unk>) and a piece U+2581 that merges may
// produce (without it, spaces become byte tokens that read back as U+2581,
// as in sentencepiece).
#include "checkpoints/sentencepiece_model.h"
#include "tokenizer.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    convert::sentencepiece_model m;
    std::string error;
    if (!convert::parse_sentencepiece_model("fuzz.model", data, size, &m, &error)) return 0;
    const std::unique_ptr<llama::tokenizer> tok = llama::tokenizer::create(std::move(m.vocab));
    const std::string text = "Hello, world! \xC3\xA9t\xC3\xA9  \t 42";
    const std::vector<llama::token_id> ids = tok->encode(text, false, false);
    const llama::vocab &v = tok->get_vocab();
    bool has_space_piece = false;
    std::set<std::string> byte_tokens;
    for (size_t i = 0; i < v.tokens.size(); i++) {
        if (v.types[i] == llama::token_type::BYTE) byte_tokens.insert(v.tokens[i]);
        has_space_piece |=
            v.tokens[i] == "\xE2\x96\x81" && v.types[i] != llama::token_type::CONTROL &&
            v.types[i] != llama::token_type::UNKNOWN && v.types[i] != llama::token_type::BYTE;
    }
    bool every_byte = true;
    for (int b = 0; b < 256; b++) {
        char piece[8];
        std::snprintf(piece, sizeof piece, "<0x%02X>", b);
        every_byte = every_byte && byte_tokens.count(piece) == 1;
    }
    if (m.byte_fallback && every_byte && has_space_piece && tok->decode(ids, false) != text)
        std::abort();
    return 0;
}
