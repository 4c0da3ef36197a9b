// The tokenizer of the bundled stories260K (SentencePiece BPE with every
// byte token and the piece U+2581) on any text, through the C API: the
// pieces of the tokens, each read after the one before, are the text again,
// unless it holds a U+2581 (which, as in sentencepiece, reads back as a
// space).
#include "llama.h"

#include <cstdlib>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static llama_model *model = llama_model_load(LLAMAZ_FUZZ_MODEL);
    if (!model) std::abort();
    if (size > 1 << 16) return 0;
    const auto *text = reinterpret_cast<const char *>(data);
    const int32_t needed = -llama_tokenize(model, text, int32_t(size), nullptr, 0, true, false);
    std::vector<llama_token> tokens(size_t(needed > 0 ? needed : 0));
    const int32_t n =
        llama_tokenize(model, text, int32_t(size), tokens.data(), needed, true, false);
    if (n != needed || tokens[0] != llama_token_bos(model)) std::abort();
    std::string decoded;
    char piece[64]; // stories260K's longest piece is 16 bytes
    for (int32_t i = 1; i < n; i++) {
        const int32_t len = llama_token_to_piece(model, tokens[size_t(i - 1)], tokens[size_t(i)],
                                                 piece, int32_t(sizeof piece), false);
        if (len < 0) std::abort();
        decoded.append(piece, size_t(len));
    }
    const std::string_view original(text, size);
    if (decoded != original && original.find("\xE2\x96\x81") == std::string_view::npos)
        std::abort();
    return 0;
}
