// Inputs the fuzz harnesses (fuzz/, scripts/fuzz.sh) reported, kept as
// regression tests: each says what was found and what holds now.
#include "llama.h"
#include "tokenizer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace {

const std::string BUNDLED = std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf";

// The text of the tokens of `text` (after BOS), each piece read after the
// one before, as the C API gives them.
std::string round_trip(llama_model *model, const std::string &text, int32_t *n_tokens) {
    const int32_t needed =
        -llama_tokenize(model, text.data(), int32_t(text.size()), nullptr, 0, true, false);
    std::vector<llama_token> tokens(static_cast<size_t>(needed));
    *n_tokens = llama_tokenize(model, text.data(), int32_t(text.size()), tokens.data(), needed,
                               true, false);
    std::string decoded;
    for (int32_t i = 1; i < *n_tokens; i++) {
        char piece[64];
        const int32_t len = llama_token_to_piece(model, tokens[size_t(i - 1)], tokens[size_t(i)],
                                                 piece, int32_t(sizeof piece), false);
        EXPECT_GE(len, 0);
        decoded.append(piece, size_t(len > 0 ? len : 0));
    }
    return decoded;
}

TEST(FuzzFindings, TokensOfBytesCanOutnumberTheBytes) {
    // The tokenizer harness reserved one token a byte plus BOS: the space
    // prefix is a token of its own, so these 7 bytes take 9 tokens.
    llama_model *model = llama_model_load(BUNDLED.c_str());
    ASSERT_NE(model, nullptr) << llama_last_error();
    const std::string text("\xac\x98\x00\x01\x00\x00\x00", 7);
    int32_t n = 0;
    EXPECT_EQ(round_trip(model, text, &n), text);
    EXPECT_EQ(n, 9);
    llama_model_free(model);
}

TEST(FuzzFindings, U2581ReadsBackAsASpace) {
    // tokenizer.h claimed decode(encode(t)) == t for every text: a U+2581 in
    // the text is a space to SentencePiece (and llama.cpp), so it reads back
    // as one
    llama_model *model = llama_model_load(BUNDLED.c_str());
    ASSERT_NE(model, nullptr) << llama_last_error();
    int32_t n = 0;
    EXPECT_EQ(round_trip(model,
                         "a\xE2\x96\x81"
                         "b",
                         &n),
              "a b");
    EXPECT_EQ(round_trip(model, "Hello, world! \xC3\xA9t\xC3\xA9  \t 42", &n),
              "Hello, world! \xC3\xA9t\xC3\xA9  \t 42");
    llama_model_free(model);
}

TEST(FuzzFindings, WithoutAU2581PieceSpacesAreBytesThatReadBackAsU2581) {
    // A model the SentencePiece harness made by mutation has byte fallback
    // but no piece U+2581: spaces (and the space prefix) become its three
    // bytes, which a byte token gives back as they are, as in sentencepiece.
    llama::vocab v;
    auto add = [&](std::string piece, llama::token_type type) {
        v.tokens.push_back(std::move(piece));
        v.scores.push_back(0.0f);
        v.types.push_back(type);
    };
    add("<unk>", llama::token_type::UNKNOWN);
    add("<s>", llama::token_type::CONTROL);
    add("</s>", llama::token_type::CONTROL);
    for (int b = 0; b < 256; b++) {
        char piece[8];
        std::snprintf(piece, sizeof piece, "<0x%02X>", b);
        add(piece, llama::token_type::BYTE);
    }
    add("a", llama::token_type::NORMAL);
    add("b", llama::token_type::NORMAL);
    const std::unique_ptr<llama::tokenizer> tok = llama::tokenizer::create(std::move(v));
    EXPECT_EQ(tok->decode(tok->encode("a b", true, false), false), "\xE2\x96\x81"
                                                                   "a\xE2\x96\x81"
                                                                   "b");
}

} // namespace
