// The SentencePiece tokenizer: llama.cpp's 46 test cases for the Llama
// vocabulary, whole-file token counts, decoding, and the vocabulary loader.
#include "vocab_util.h"

#include <gtest/gtest.h>

using namespace llama;

namespace {

const tokenizer &llama_spm() {
    static const std::unique_ptr<tokenizer> t =
        test::load_tokenizer(test::data("gguf/ggml-vocab-llama-spm.gguf"));
    return *t;
}

TEST(Tokenizer, MatchesAll46LlamaCppCases) {
    EXPECT_EQ(test::passed_cases(llama_spm(), test::data("gguf/ggml-vocab-llama-spm.gguf")), 46);
}

TEST(Tokenizer, DecodeInvertsEncode) {
    const std::vector<std::string> inputs =
        test::read_inputs(test::data("gguf/ggml-vocab-llama-spm.gguf.inp"));
    for (const std::string &text : inputs) {
        EXPECT_EQ(llama_spm().decode(llama_spm().encode(text, true, false), false), text);
        EXPECT_EQ(llama_spm().decode(llama_spm().encode(text, false, false), false), text);
    }
    // Invalid UTF-8 goes through byte tokens unharmed, spaces after it too.
    const std::string bytes = "\xff\xfe invalid \x80 UTF-8 \xE2\x96 \xF0\x9F";
    EXPECT_EQ(llama_spm().decode(llama_spm().encode(bytes, true, false), false), bytes);
}

TEST(Tokenizer, BosAndEmptyText) {
    EXPECT_EQ(llama_spm().encode("", true, false), (std::vector<token_id>{1}));
    EXPECT_EQ(llama_spm().encode("", false, false), (std::vector<token_id>{}));
    EXPECT_EQ(llama_spm().encode("Hello world", true, false),
              (std::vector<token_id>{1, 15043, 3186}));
}

TEST(Tokenizer, TokenToPiece) {
    const tokenizer &t = llama_spm();
    EXPECT_EQ(t.token_to_piece(15043, false), " Hello"); // "▁Hello"
    EXPECT_EQ(t.token_to_piece(29871, false), " ");
    EXPECT_EQ(t.token_to_piece(13, false), "\n");            // <0x0A>
    EXPECT_EQ(t.token_to_piece(243, false), "\xF0");         // <0xF0>: part of a character
    EXPECT_EQ(t.token_to_piece(1, false), "");               // <s>
    EXPECT_EQ(t.token_to_piece(2, false), "");               // </s>
    EXPECT_EQ(t.token_to_piece(0, false), " \xE2\x81\x87 "); // <unk>
    EXPECT_EQ(t.token_to_piece(-1, false), "");
    EXPECT_EQ(t.token_to_piece(32000, false), "");
}

TEST(Tokenizer, DecodeDropsOnlyTheLeadingSpaceOfTheText) {
    const tokenizer &t = llama_spm();
    EXPECT_EQ(t.decode(std::vector<token_id>{1, 15043, 3186}, false), "Hello world");
    EXPECT_EQ(t.decode(std::vector<token_id>{15043, 3186}, false), "Hello world");
    // after a control token the text starts again (the encoder adds the
    // space prefix after every special token it finds in the text)
    EXPECT_EQ(t.decode(std::vector<token_id>{3186, 1, 15043}, false), "worldHello");
    EXPECT_EQ(t.decode(std::vector<token_id>{3186, 1, 15043}, true), "world<s>Hello");
    EXPECT_EQ(t.decode(std::vector<token_id>{1, 29871, 15043}, false), " Hello");
    EXPECT_EQ(t.decode(std::vector<token_id>{1, 13, 15043}, false), "\n Hello");
    EXPECT_EQ(t.decode(std::vector<token_id>{15043, 2}, false), "Hello");
    // one token at a time (llama_token_to_piece), by the same rule
    EXPECT_EQ(t.piece_after(1, 15043, false), "Hello");
    EXPECT_EQ(t.piece_after(-1, 15043, false), "Hello");
    EXPECT_EQ(t.piece_after(3186, 15043, false), " Hello");
    EXPECT_EQ(t.piece_after(1, 35, false), " "); // <0x20>: a byte keeps its space
}

TEST(Tokenizer, WholeFileCountsMatchLlamaCpp) {
    // tests/data/README.md: wiki.test.raw is 335,688 tokens with the
    // Llama 2 vocabulary and 809,290 with tok512, BOS included.
    const std::string text = test::read_text(test::data("wikitext-2/wiki.test.raw"));
    ASSERT_EQ(text.size(), 1290590u);
    EXPECT_EQ(llama_spm().encode(text, true, false).size(), 335688u);
    const auto tok512 = test::load_tokenizer(test::data("gguf/stories260K-f32.gguf"));
    const std::vector<token_id> ids = tok512->encode(text, true, false);
    EXPECT_EQ(ids.size(), 809290u);
    EXPECT_EQ(tok512->decode(ids, false), text);
}

// A hand-made vocabulary for what the Llama one does not exercise.
vocab tiny_vocab() {
    vocab v;
    const std::vector<std::tuple<std::string, float, token_type>> tokens = {
        {"<unk>", 0, token_type::UNKNOWN},
        {"<s>", 0, token_type::CONTROL},
        {"</s>", 0, token_type::CONTROL},
        {"\xE2\x96\x81", -1, token_type::NORMAL},
        {"a", -2, token_type::NORMAL},
        {"b", -2, token_type::NORMAL},
        {"ab", 5, token_type::UNUSED},
        {"\xE2\x96\x81"
         "a",
         1, token_type::NORMAL},
        {"c", -3, token_type::NORMAL},
        {"<0x63>", 0, token_type::BYTE},
        {"bc", 4, token_type::CONTROL},
    };
    for (const auto &[piece, score, type] : tokens) {
        v.tokens.push_back(piece);
        v.scores.push_back(score);
        v.types.push_back(type);
    }
    return v;
}

TEST(Tokenizer, UnusedPiecesBlockMergesAndAreSplitAgain) {
    // "▁ab": "ab" (unused, score 5) merges before "▁a" (score 1) and is then
    // split back, so the result is ▁ a b, as sentencepiece gives.
    const auto t = tokenizer::create(tiny_vocab());
    EXPECT_EQ(t->encode("ab", false, false), (std::vector<token_id>{3, 4, 5}));
    EXPECT_EQ(t->encode("a", false, false), (std::vector<token_id>{7}));
    // Control pieces never come out of merges ("bc" is control).
    EXPECT_EQ(t->encode("bc", false, false), (std::vector<token_id>{3, 5, 8}));
}

TEST(Tokenizer, MissingByteTokensGiveUnknown) {
    // Only <0x63> exists: "d" has no byte token, so it becomes <unk>.
    const auto t = tokenizer::create(tiny_vocab());
    EXPECT_EQ(t->encode("d", false, false), (std::vector<token_id>{3, 0}));
    EXPECT_EQ(t->decode(t->encode("d", false, false), false),
              " \xE2\x81\x87 "); // only "▁" was leading
}

TEST(Tokenizer, NoSpacePrefixWhenTheVocabularySaysSo) {
    vocab v = tiny_vocab();
    v.add_space_prefix = false;
    const auto t = tokenizer::create(std::move(v));
    EXPECT_EQ(t->encode("a b", false, false), (std::vector<token_id>{4, 3, 5}));
    EXPECT_EQ(t->decode(t->encode(" a", false, false), false), " a");
}

TEST(Tokenizer, RejectsAnInvalidVocabulary) {
    vocab v = tiny_vocab();
    v.scores.pop_back();
    EXPECT_THROW(tokenizer::create(v), std::invalid_argument);
}

// ------------------------------------------------------------------ load_vocab

// The error loading the GGUF of tiny_vocab changed by `edit`.
std::string load_error(const std::function<void(gguf_writer &)> &edit) {
    gguf_writer w;
    store_vocab(tiny_vocab(), &w);
    edit(w);
    vocab v;
    const std::string error = test::load_written(w, &v);
    return error.empty() ? "(no error)" : error;
}

TEST(Vocab, StoreThenLoadGivesTheSameVocabulary) {
    gguf_writer w;
    vocab v = tiny_vocab();
    v.bos_id = 1;
    v.eos_id = -1;
    v.add_bos = false;
    store_vocab(v, &w);
    vocab back;
    ASSERT_EQ(test::load_written(w, &back), "");
    EXPECT_EQ(back.tokens, v.tokens);
    EXPECT_EQ(back.scores, v.scores);
    EXPECT_EQ(back.types, v.types);
    EXPECT_EQ(back.bos_id, 1);
    EXPECT_EQ(back.eos_id, -1);
    EXPECT_EQ(back.unk_id, 0);
    EXPECT_FALSE(back.add_bos);
    EXPECT_TRUE(back.add_space_prefix);
}

TEST(Vocab, LoadReportsWhatIsWrong) {
    const std::vector<std::pair<std::function<void(gguf_writer &)>, std::string>> cases = {
        {[](gguf_writer &) {}, "(no error)"},
        {[](gguf_writer &w) { w.set_string("tokenizer.ggml.model", "bert"); },
         "tokenizer.ggml.model is 'bert'; only 'llama' (SentencePiece BPE) and 'gpt2'"},
        {[](gguf_writer &w) {
             w.set_f32s("tokenizer.ggml.scores", {1, 2});
         },
         "11 tokens but 2 scores and 11 token types"},
        {[](gguf_writer &w) {
             w.set_i32s("tokenizer.ggml.token_type", {1, 2, 3});
         },
         "11 tokens but 11 scores and 3 token types"},
        {[](gguf_writer &w) { w.set_strings("tokenizer.ggml.scores", {"x"}); },
         "key 'tokenizer.ggml.scores' has type ARRAY of STRING, expected ARRAY of FLOAT32"},
        {[](gguf_writer &w) { w.set_u32("tokenizer.ggml.bos_token_id", 11); },
         "the BOS token id 11 is not below the vocabulary size 11"},
        {[](gguf_writer &w) { w.set_u32("tokenizer.ggml.unknown_token_id", 0xFFFFFFFF); },
         "the vocabulary has no unknown token"},
        {[](gguf_writer &w) { w.set_string("tokenizer.ggml.eos_token_id", "2"); },
         "key 'tokenizer.ggml.eos_token_id' has type STRING"},
        {[](gguf_writer &w) { w.set_u32("tokenizer.ggml.add_bos_token", 1); },
         "key 'tokenizer.ggml.add_bos_token' has type UINT32, expected BOOL"},
        {[](gguf_writer &w) {
             std::vector<int32_t> types(11, 1);
             types[4] = 9;
             w.set_i32s("tokenizer.ggml.token_type", types);
         },
         "token 4 has unknown type 9"},
        {[](gguf_writer &w) {
             std::vector<int32_t> types(11, 1);
             types[4] = 6;
             w.set_i32s("tokenizer.ggml.token_type", types);
         },
         "byte token 4 is 'a', not <0xXX>"},
    };
    for (const auto &[edit, message] : cases) {
        const std::string error = load_error(edit);
        EXPECT_NE(error.find(message), std::string::npos)
            << "expected '" << message << "' in '" << error << "'";
    }
    gguf_writer empty;
    empty.set_string("general.name", "x");
    vocab v;
    const std::string error = test::load_written(empty, &v);
    EXPECT_NE(error.find("required key 'tokenizer.ggml.model' is missing"), std::string::npos)
        << error;
}

} // namespace
