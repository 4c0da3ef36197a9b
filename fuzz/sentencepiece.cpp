// SentencePiece tokenizer.model protobufs: the reader, and a tokenizer made
// of what it accepts, which must encode and decode a text unchanged when
// the vocabulary has every byte token and a piece U+2581 that merges may
// produce (without it, spaces become byte tokens that read back as U+2581,
// as in sentencepiece).
#include "checkpoints/sentencepiece_model.h"
#include "tokenizer.h"

#include <cstdlib>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    convert::sentencepiece_model m;
    std::string error;
    if (!convert::parse_sentencepiece_model("fuzz.model", data, size, &m, &error)) return 0;
    const std::unique_ptr<llama::tokenizer> tok = llama::tokenizer::create(std::move(m.vocab));
    const std::string text = "Hello, world! \xC3\xA9t\xC3\xA9  \t 42";
    const std::vector<llama::token_id> ids = tok->encode(text, true, false);
    const llama::vocab &v = tok->get_vocab();
    bool has_space_piece = false;
    for (size_t i = 0; i < v.tokens.size(); i++)
        has_space_piece |=
            v.tokens[i] == "\xE2\x96\x81" && v.types[i] != llama::token_type::CONTROL &&
            v.types[i] != llama::token_type::UNKNOWN && v.types[i] != llama::token_type::BYTE;
    if (m.byte_fallback && has_space_piece && tok->decode(ids, false) != text) std::abort();
    return 0;
}
