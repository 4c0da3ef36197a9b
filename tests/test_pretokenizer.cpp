// The pre-tokenizers' words against those of Hugging Face tokenizers 0.23.3
// (Split with the same expressions, behaviour "isolated"; Digits with
// individual digits for smollm), which made the expected words below, and
// what they do with bytes that are not UTF-8.
#include "pretokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace llama;

namespace {

struct split_case {
    std::string text;
    std::vector<std::string> words;
};

void expect_words(const char *name, const std::vector<split_case> &cases) {
    const pretokenizer *p = find_pretokenizer(name);
    ASSERT_NE(p, nullptr) << name;
    for (const split_case &c : cases) {
        const std::vector<std::string_view> got = pretokenize(*p, c.text);
        EXPECT_EQ(std::vector<std::string>(got.begin(), got.end()), c.words)
            << name << ": '" << c.text << "'";
    }
}

TEST(Pretokenizer, Gpt2) {
    expect_words("gpt-2",
                 {
                     {"Hello world", {"Hello", " world"}},
                     {"  two   spaces  ", {" ", " two", "  ", " spaces", "  "}},
                     {"a\t\tb\n", {"a", "\t", "\t", "b", "\n"}},
                     {"it's 'S 'll 're", {"it", "'s", " '", "S", " '", "ll", " '", "re"}},
                     {"x  \n\ny", {"x", "  \n", "\n", "y"}},
                     {"123abc !!?", {"123", "abc", " !!?"}},
                     {"end   ", {"end", "   "}},
                     {"\u00A0nbsp\u3000ideo x", {"\u00A0", "nbsp", "\u3000", "ideo", " x"}},
                     {"café 中文 😀!", {"café", " 中文", " 😀!"}},
                     {"", {}},
                 });
}

TEST(Pretokenizer, Llama3) {
    expect_words("llama-bpe", {
                                  {"Hello world", {"Hello", " world"}},
                                  {"\tHello", {"\tHello"}},
                                  {"12345678 x1", {"123", "456", "78", " x", "1"}},
                                  {"I'M 'Ll 'VE", {"I", "'M", " '", "Ll", " '", "VE"}},
                                  {"(hello)..\r\n\r\nx", {"(hello", ")..\r\n\r\n", "x"}},
                                  {"  \n\n  x", {"  \n\n", " ", " x"}},
                                  {"a  b ", {"a", " ", " b", " "}},
                                  {"...\n", {"...\n"}},
                                  {"½ ١٢٣٤", {"½", " ", "١٢٣", "٤"}},
                              });
}

TEST(Pretokenizer, DigitsThenGpt2) {
    expect_words("smollm", {
                               {"abc 123 4½", {"abc", " ", "1", "2", "3", " ", "4", "½"}},
                               {"x1y22 z", {"x", "1", "y", "2", "2", " z"}},
                               {" 7", {" ", "7"}},
                           });
}

TEST(Pretokenizer, LlamaCppDefault) {
    expect_words("default",
                 {
                     {"Hello, world! $100+200 12345",
                      {"Hello", ",", " world", "!", " ", "$", "100", "+", "200", " ", "123", "45"}},
                     {"a...b ~~x", {"a", "...", "b", " ", "~~", "x"}},
                     {"99 bottles’s", {"99", " bottles", "’", "s"}},
                 });
}

TEST(Pretokenizer, BytesThatAreNotUtf8SplitLikeSymbols) {
    // A stray byte is a character of its own, of the class of symbols
    // ([^\s\p{L}\p{N}]), as llama.cpp's U+FFFD for it is; the bytes stay.
    expect_words("gpt-2", {
                              {"\xFF"
                               "a",
                               {"\xFF", "a"}},
                              {" \xFF\xFE!b", {" \xFF\xFE!", "b"}},
                              {"\xE2\x82 x", {"\xE2\x82", " x"}}, // a character cut short
                              {"\xC0\xAF", {"\xC0\xAF"}},         // an overlong '/'
                          });
    expect_words("llama-bpe", {{"\xFF"
                                "abc",
                                {"\xFF"
                                 "abc"}}});
}

TEST(Pretokenizer, NamesAsLlamaCppHasThem) {
    EXPECT_EQ(find_pretokenizer("llama-bpe"), find_pretokenizer("llama3"));
    EXPECT_EQ(find_pretokenizer("starcoder"), find_pretokenizer("smollm"));
    EXPECT_EQ(find_pretokenizer("qwen2"), nullptr); // another expression, not written here
    EXPECT_TRUE(find_pretokenizer("llama-bpe")->ignore_merges);
    EXPECT_TRUE(find_pretokenizer("llama-bpe")->add_bos);
    EXPECT_FALSE(find_pretokenizer("gpt-2")->ignore_merges);
    EXPECT_NE(pretokenizer_names().find("smollm"), std::string::npos);
}

} // namespace
