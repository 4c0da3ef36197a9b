// SentencePiece tokenizer.model protobufs: the reader, and a tokenizer made
// of what it accepts, which must encode and decode a text unchanged when
// the vocabulary has every byte token.
#include "checkpoints/sentencepiece_model.h"
#include "tokenizer.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    convert::sentencepiece_model m;
    std::string error;
    if (!convert::parse_sentencepiece_model("fuzz.model", data, size, &m, &error)) return 0;
    const llama::tokenizer tok(std::move(m.vocab));
    const std::string text = "Hello, world! \xC3\xA9t\xC3\xA9  \t 42";
    const std::vector<llama::token_id> ids = tok.encode(text, true);
    if (m.byte_fallback && tok.decode(ids) != text) std::abort();
    return 0;
}
