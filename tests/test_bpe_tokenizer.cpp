// Byte-level BPE: llama.cpp's 46 test cases for the GPT-2 and SmolLM2
// vocabularies, the ids of whole files and tricky texts as llama.cpp gives
// them (tests/data/README.md), decoding, special tokens, merges, and the
// loader's checks.
#include "byte_level.h"
#include "vocab_util.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <random>

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

// The GPT-2 vocabulary with Llama 3's pre-tokenizer, for its expressions
// and ignore_merges on a real vocabulary.
const tokenizer &gpt2_llama3_pre() {
    static const auto t = [] {
        vocab v = test::load_vocab(test::data("bpe/ggml-vocab-gpt-2.gguf"));
        v.pre = "llama-bpe";
        return tokenizer::create(std::move(v));
    }();
    return *t;
}

const std::vector<std::pair<std::string, const tokenizer *>> &bpe_vocabs() {
    static const std::vector<std::pair<std::string, const tokenizer *>> v = {
        {"ggml-vocab-gpt-2", &gpt2()}, {"smollm2-vocab", &smollm2()}};
    return v;
}

TEST(BpeTokenizer, MatchesAll46LlamaCppCasesWithGpt2) {
    EXPECT_EQ(test::passed_cases(gpt2(), test::data("bpe/ggml-vocab-gpt-2.gguf")), 46);
}

TEST(BpeTokenizer, MatchesAll46LlamaCppCasesWithSmolLM2) {
    EXPECT_EQ(test::passed_cases(smollm2(), test::data("bpe/smollm2-vocab.gguf")), 46);
}

// FNV-1a (64 bits) of the ids written one per line, as the id files are.
uint64_t ids_hash(const std::vector<token_id> &ids) {
    uint64_t h = 0xcbf29ce484222325u;
    for (token_id id : ids)
        for (char c : std::to_string(id) + "\n") h = (h ^ uint8_t(c)) * 0x100000001b3u;
    return h;
}

TEST(BpeTokenizer, WholeFileIdsMatchLlamaCpp) {
    // tests/data/README.md: llama.cpp's ids of the whole wiki.test.raw.
    const std::string text = test::read_text(test::data("wikitext-2/wiki.test.raw"));
    const struct {
        const tokenizer &t;
        size_t count;
        uint64_t hash;
    } expected[] = {{gpt2(), 286221, 0x9c96fdb5cdadbfu}, {smollm2(), 303415, 0x4eb4634dadcf2588u}};
    for (const auto &e : expected) {
        const std::vector<token_id> ids = e.t.encode(text, true, false);
        EXPECT_EQ(ids.size(), e.count);
        EXPECT_EQ(ids_hash(ids), e.hash);
        EXPECT_EQ(e.t.decode(ids, false), text);
    }
}

TEST(BpeTokenizer, TrickyTextsMatchLlamaCpp) {
    for (const char *name :
         {"cjk", "contractions", "cpp_code", "crlf", "digits", "emoji", "mixed_unicode",
          "python_code", "special_literal", "tabs_spaces", "whitespace_only", "zero_width"}) {
        const std::string text =
            test::read_text(test::data(std::string("bpe/texts/") + name + ".txt"));
        for (const auto &[vocab_name, t] : bpe_vocabs()) {
            const std::string ids = "bpe/ids/" + std::string(name) + "." + vocab_name + ".ids";
            const std::vector<token_id> got = t->encode(text, true, false);
            EXPECT_EQ(got, test::read_ids(test::data(ids))) << ids;
            EXPECT_EQ(t->decode(got, false), text) << ids;
        }
    }
}

TEST(BpeTokenizer, ControlTokensOnlyWhereAsked) {
    const std::string text = test::read_text(test::data("bpe/texts/special_literal.txt"));
    for (const auto &[vocab_name, t] : bpe_vocabs()) {
        const std::string ids = "bpe/ids/special_literal." + vocab_name + ".parse_special.ids";
        const std::vector<token_id> parsed = t->encode(text, false, true);
        EXPECT_EQ(parsed, test::read_ids(test::data(ids))) << ids;
        EXPECT_EQ(t->decode(parsed, true), text);
        for (token_id id : t->encode(text, false, false))
            EXPECT_NE(t->get_vocab().types[size_t(id)], token_type::CONTROL) << vocab_name;
    }
    // SmolLM2's ChatML tokens, and their pieces.
    const std::vector<token_id> ids =
        smollm2().encode("<|im_start|>user\nhi<|im_end|>", false, true);
    ASSERT_GE(ids.size(), 3u);
    EXPECT_EQ(ids.front(), 1);
    EXPECT_EQ(ids.back(), 2);
    EXPECT_EQ(smollm2().token_to_piece(1, false), "");
    EXPECT_EQ(smollm2().token_to_piece(1, true), "<|im_start|>");
    EXPECT_EQ(smollm2().decode(ids, false), "user\nhi");
}

TEST(BpeTokenizer, PiecesAreTheBytesOfTheTokens) {
    const std::vector<token_id> ids = gpt2().encode(" world", false, false);
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_EQ(gpt2().get_vocab().tokens[size_t(ids[0])], "\xC4\xA0world"); // "Ġworld"
    EXPECT_EQ(gpt2().token_to_piece(ids[0], false), " world");
    EXPECT_EQ(gpt2().piece_after(-1, ids[0], false), " world"); // no space prefix to strip
    // "😀" is two tokens, each part of the character
    const std::vector<token_id> emoji = gpt2().encode("\xF0\x9F\x98\x80", false, false);
    ASSERT_EQ(emoji.size(), 2u);
    EXPECT_EQ(gpt2().token_to_piece(emoji[0], false), "\xF0\x9F\x98");
    EXPECT_EQ(gpt2().token_to_piece(emoji[1], false), "\x80");
    EXPECT_EQ(gpt2().token_to_piece(50256, false), "");
    EXPECT_EQ(gpt2().token_to_piece(50256, true), "<|endoftext|>");
    EXPECT_EQ(gpt2().token_to_piece(50257, true), "");
}

TEST(BpeTokenizer, EndOfGenerationTokens) {
    EXPECT_TRUE(gpt2().is_eog(50256));
    EXPECT_FALSE(gpt2().is_eog(220));
    EXPECT_TRUE(smollm2().is_eog(2));  // <|im_end|>, EOS
    EXPECT_TRUE(smollm2().is_eog(0));  // <|endoftext|>, by its text
    EXPECT_FALSE(smollm2().is_eog(1)); // <|im_start|>
    EXPECT_FALSE(smollm2().is_eog(-1));
}

TEST(BpeTokenizer, NoBosUnlessTheVocabularyAsks) {
    // SmolLM2 says add_bos_token false; GPT-2 says nothing and llama.cpp adds none.
    EXPECT_EQ(smollm2().encode("hi", true, false), smollm2().encode("hi", false, false));
    EXPECT_EQ(gpt2().encode("hi", true, false), gpt2().encode("hi", false, false));
    EXPECT_TRUE(gpt2().encode("", true, false).empty());
}

// Random texts from pieces that exercise the pre-tokenizers: bytes of any
// value (so also invalid UTF-8), ASCII, white space of several kinds,
// characters of 2 to 4 bytes, contractions, digits, special tokens' text.
std::string random_text(std::mt19937 &rng) {
    static const std::vector<std::string> pieces = {
        " ",     "  ",     "\t",     "\n",  "\r\n", "\u00A0",       "\u3000", "a", "Z",
        "hello", " world", "'s",     "'LL", "0",    "12345",        "½",      "é", "中文",
        "😀",     "\u200D", "\uFEFF", "!",   "...",  "<|im_start|>", "<s>"};
    std::uniform_int_distribution<int> length(0, 40), kind(0, 2), byte(0, 255);
    std::uniform_int_distribution<size_t> piece(0, pieces.size() - 1);
    std::string text;
    for (int n = length(rng); n > 0; n--) {
        if (kind(rng) == 0)
            text += char(byte(rng));
        else
            text += pieces[piece(rng)];
    }
    return text;
}

// decode(encode(x)) == x for every byte string x, except that bytes the
// vocabulary has no token for are left out (SmolLM2 lacks 21).
TEST(BpeTokenizer, DecodeInvertsEncodeOnRandomBytes) {
    std::mt19937 rng(1234);
    for (const tokenizer *t : {&gpt2(), &smollm2(), &gpt2_llama3_pre()}) {
        std::array<bool, 256> covered{};
        for (int b = 0; b < 256; b++) {
            const std::string &s = byte_level::spelling(uint8_t(b));
            for (const std::string &token : t->get_vocab().tokens) covered[size_t(b)] |= token == s;
        }
        for (int i = 0; i < 1000; i++) {
            const std::string text = random_text(rng);
            std::string expected;
            for (char c : text)
                if (covered[uint8_t(c)]) expected += c;
            ASSERT_EQ(t->decode(t->encode(text, false, false), false), expected)
                << "'" << text << "'";
        }
    }
}

TEST(Tokenizer, DecodeInvertsEncodeOnRandomBytesWithSentencePiece) {
    const auto t = test::load_tokenizer(test::data("gguf/ggml-vocab-llama-spm.gguf"));
    std::mt19937 rng(5678);
    for (int i = 0; i < 1000; i++) {
        const std::string text = random_text(rng);
        ASSERT_EQ(t->decode(t->encode(text, true, false), false), text) << "'" << text << "'";
    }
}

// A byte-level vocabulary of the 256 bytes and `extra` tokens, with merges.
vocab tiny_bpe(const std::vector<std::pair<std::string, token_type>> &extra,
               std::vector<std::string> merges, std::string pre = "gpt-2") {
    vocab v;
    v.kind = tokenizer_kind::BPE;
    for (int b = 0; b < 256; b++) {
        v.tokens.push_back(byte_level::spelling(uint8_t(b)));
        v.types.push_back(token_type::NORMAL);
    }
    for (const auto &[text, type] : extra) {
        v.tokens.push_back(text);
        v.types.push_back(type);
    }
    v.merges = std::move(merges);
    v.pre = std::move(pre);
    v.bos_id = v.eos_id = v.unk_id = -1;
    v.add_bos = v.add_space_prefix = false;
    return v;
}

token_id id_of(const tokenizer &t, const std::string &text) {
    const auto &tokens = t.get_vocab().tokens;
    return token_id(std::find(tokens.begin(), tokens.end(), text) - tokens.begin());
}

TEST(BpeTokenizer, MergesByRankLeftmostFirst) {
    // "aaa": the one merge applies to the leftmost pair first.
    const auto t = tokenizer::create(tiny_bpe({{"aa", token_type::NORMAL}}, {"a a"}));
    EXPECT_EQ(t->encode("aaa", false, false), (std::vector<token_id>{id_of(*t, "aa"), 'a'}));
    // The lower rank wins whatever its position: "abc" with "b c" before "a b".
    const auto u = tokenizer::create(
        tiny_bpe({{"ab", token_type::NORMAL}, {"bc", token_type::NORMAL}}, {"b c", "a b"}));
    EXPECT_EQ(u->encode("abc", false, false), (std::vector<token_id>{'a', id_of(*u, "bc")}));
}

TEST(BpeTokenizer, IgnoreMergesTakesWholeWords) {
    // "abc" is a token no merge leads to: Llama 3 takes it whole, GPT-2 not.
    const std::vector<std::pair<std::string, token_type>> extra = {{"abc", token_type::NORMAL}};
    const auto llama3 = tokenizer::create(tiny_bpe(extra, {}, "llama-bpe"));
    const auto plain = tokenizer::create(tiny_bpe(extra, {}, "gpt-2"));
    EXPECT_EQ(llama3->encode("abc", false, false), (std::vector<token_id>{256}));
    EXPECT_EQ(plain->encode("abc", false, false).size(), 3u);
}

TEST(BpeTokenizer, UserDefinedTokensAreAlwaysFound) {
    const auto t = tokenizer::create(
        tiny_bpe({{"<tool>", token_type::USER_DEFINED}, {"<ctl>", token_type::CONTROL}}, {}));
    EXPECT_EQ(t->encode("a<tool>", false, false), (std::vector<token_id>{'a', 256}));
    EXPECT_EQ(t->encode("<ctl>", false, false).size(), 5u);
    EXPECT_EQ(t->encode("<ctl>", false, true), (std::vector<token_id>{257}));
    EXPECT_EQ(t->decode(std::vector<token_id>{256, 257}, false), "<tool>");
}

// ------------------------------------------------------------------ loading

// The error loading the GGUF of tiny_bpe changed by `edit`.
std::string load_error(const std::function<void(gguf_writer &)> &edit) {
    gguf_writer w;
    store_vocab(tiny_bpe({{"ab", token_type::NORMAL}}, {"a b"}), &w);
    edit(w);
    vocab v;
    const std::string error = test::load_written(w, &v);
    return error.empty() ? "(no error)" : error;
}

TEST(BpeVocab, StoreThenLoadGivesTheSameVocabulary) {
    const vocab v = tiny_bpe({{"ab", token_type::NORMAL}}, {"a b"}, "smollm");
    gguf_writer w;
    store_vocab(v, &w);
    vocab back;
    ASSERT_EQ(test::load_written(w, &back), "");
    EXPECT_EQ(back.kind, tokenizer_kind::BPE);
    EXPECT_EQ(back.tokens, v.tokens);
    EXPECT_EQ(back.types, v.types);
    EXPECT_EQ(back.merges, v.merges);
    EXPECT_EQ(back.pre, "smollm");
    EXPECT_EQ(back.bos_id, -1);
    EXPECT_FALSE(back.add_bos);
}

TEST(BpeVocab, LoadReportsWhatIsWrong) {
    const std::vector<std::pair<std::function<void(gguf_writer &)>, std::string>> cases = {
        {[](gguf_writer &) {}, "(no error)"},
        {[](gguf_writer &w) { w.set_strings("tokenizer.ggml.merges", {"ab"}); },
         "tokenizer.ggml.merges: merge 0 'ab' is not two tokens separated by a space"},
        {[](gguf_writer &w) { w.set_strings("tokenizer.ggml.merges", {"a "}); },
         "merge 0 'a ' is not two tokens"},
        {[](gguf_writer &w) {
             w.set_strings("tokenizer.ggml.merges", {"a b", "b c"});
         },
         "tokenizer.ggml.merges: merge 1 'b c': 'bc' is not a token"},
        {[](gguf_writer &w) { w.set_strings("tokenizer.ggml.merges", {"a zz"}); },
         "'zz' is not a token"},
        {[](gguf_writer &w) { w.set_i32s("tokenizer.ggml.merges", {1}); },
         "key 'tokenizer.ggml.merges' has type ARRAY of INT32, expected ARRAY of STRING"},
        {[](gguf_writer &w) { w.set_string("tokenizer.ggml.pre", "qwen2"); },
         "tokenizer.ggml.pre: unknown pre-tokenizer 'qwen2' (known: default, gpt-2"},
        {[](gguf_writer &w) { w.set_u32("tokenizer.ggml.pre", 2); },
         "key 'tokenizer.ggml.pre' has type UINT32, expected STRING"},
        {[](gguf_writer &w) {
             std::vector<std::string> tokens = tiny_bpe({{"ab", token_type::NORMAL}}, {}).tokens;
             tokens[256] = "a";
             w.set_strings("tokenizer.ggml.tokens", tokens);
         },
         "tokenizer.ggml.tokens: token 256 'a' is token 97 too"},
        {[](gguf_writer &w) {
             std::vector<std::string> tokens = tiny_bpe({{"ab", token_type::NORMAL}}, {}).tokens;
             tokens[256] = "";
             w.set_strings("tokenizer.ggml.tokens", tokens);
         },
         "tokenizer.ggml.tokens: token 256 is empty"},
        {[](gguf_writer &w) { w.set_bool("tokenizer.ggml.add_bos_token", true); },
         "the vocabulary has no BOS token"},
        {[](gguf_writer &w) { w.set_u32("tokenizer.ggml.eot_token_id", 300); },
         "the EOT token id 300 is not below the vocabulary size 257"},
    };
    for (const auto &[edit, message] : cases) {
        const std::string error = load_error(edit);
        EXPECT_NE(error.find(message), std::string::npos)
            << "expected '" << message << "' in '" << error << "'";
    }
}

// The add_bos a GGUF with these keys loads with (the BOS id is 0).
bool loaded_add_bos(const std::string &pre, std::optional<bool> add_bos_key) {
    const vocab v = tiny_bpe({}, {});
    gguf_writer w;
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_string("tokenizer.ggml.pre", pre);
    w.set_strings("tokenizer.ggml.tokens", v.tokens);
    w.set_i32s("tokenizer.ggml.token_type", std::vector<int32_t>(v.tokens.size(), 1));
    w.set_strings("tokenizer.ggml.merges", {});
    w.set_u32("tokenizer.ggml.bos_token_id", 0);
    if (add_bos_key) w.set_bool("tokenizer.ggml.add_bos_token", *add_bos_key);
    vocab back;
    EXPECT_EQ(test::load_written(w, &back), "");
    return back.add_bos;
}

TEST(BpeVocab, AddBosAsLlamaCppSetsItForThePreTokenizer) {
    EXPECT_TRUE(loaded_add_bos("llama-bpe", std::nullopt)); // Llama 3
    EXPECT_FALSE(loaded_add_bos("gpt-2", std::nullopt));
    EXPECT_FALSE(loaded_add_bos("smollm", std::nullopt));
    EXPECT_FALSE(loaded_add_bos("llama-bpe", false)); // the key decides
    EXPECT_TRUE(loaded_add_bos("smollm", true));
}

TEST(BpeVocab, MergesAreRequired) {
    const vocab v = tiny_bpe({}, {});
    gguf_writer w; // the keys of store_vocab but the merges
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_strings("tokenizer.ggml.tokens", v.tokens);
    w.set_i32s("tokenizer.ggml.token_type", std::vector<int32_t>(v.tokens.size(), 1));
    vocab back;
    const std::string error = test::load_written(w, &back);
    EXPECT_NE(error.find("required key 'tokenizer.ggml.merges' is missing"), std::string::npos)
        << error;
}

} // namespace
