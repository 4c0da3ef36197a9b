// Chat templates through the C API: every format on one conversation (the
// expected texts agree with llama.cpp's llama_chat_apply_template for the
// same names), recognising Jinja templates, refusing others, buffer sizes.
#include "file_util.h"
#include "gguf_file.h"
#include "llama.h"

#include <gtest/gtest.h>

#include <string>

namespace {

const llama_chat_message CONVERSATION[] = {{"system", "You are terse."},
                                           {"user", "Hi"},
                                           {"assistant", " Hello there "},
                                           {"user", "Who are you?"}};

// The conversation as `tmpl` formats it, with the assistant's turn opened.
std::string formatted(const std::string &tmpl, size_t n_msg = 4) {
    const int32_t n =
        llama_chat_apply_template(tmpl.c_str(), CONVERSATION, n_msg, true, nullptr, 0);
    if (n < 0) return "error: " + std::string(llama_last_error());
    std::string text(size_t(n), '\0');
    EXPECT_EQ(llama_chat_apply_template(tmpl.c_str(), CONVERSATION, n_msg, true, text.data(), n),
              n);
    return text;
}

TEST(ChatTemplate, EveryFormatOnOneConversation) {
    const std::pair<const char *, const char *> expected[] = {
        {"chatml", "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                   "<|im_start|>assistant\n Hello there <|im_end|>\n<|im_start|>user\nWho are "
                   "you?<|im_end|>\n<|im_start|>assistant\n"},
        {"llama2", "[INST] You are terse.\nHi [/INST] Hello there </s>[INST] Who are you? [/INST]"},
        {"llama2-sys", "[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi [/INST] Hello there "
                       "</s>[INST] Who are you? [/INST]"},
        {"llama2-sys-bos", "[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi [/INST] Hello there "
                           "</s><s>[INST] Who are you? [/INST]"},
        {"llama2-sys-strip", "[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi [/INST]Hello "
                             "there</s>[INST] Who are you? [/INST]"},
        {"llama3",
         "<|start_header_id|>system<|end_header_id|>\n\nYou are "
         "terse.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_"
         "header_id|>assistant<|end_header_id|>\n\nHello "
         "there<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWho are "
         "you?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"},
        {"zephyr",
         "<|system|>\nYou are terse.<|endoftext|>\n<|user|>\nHi<|endoftext|>\n<|assistant|"
         ">\n Hello there <|endoftext|>\n<|user|>\nWho are "
         "you?<|endoftext|>\n<|assistant|>\n"},
        {"mistral-v1",
         " [INST] You are terse.\n\nHi [/INST]  Hello there </s> [INST] Who are you? [/INST]"},
        {"mistral-v3",
         "[INST] You are terse.\n\nHi[/INST] Hello there</s>[INST] Who are you?[/INST]"},
        {"mistral-v3-tekken",
         "[INST]You are terse.\n\nHi[/INST] Hello there </s>[INST]Who are you?[/INST]"},
        {"mistral-v7",
         "[SYSTEM_PROMPT] You are terse.[/SYSTEM_PROMPT][INST] Hi[/INST]  Hello there "
         "</s>[INST] Who are you?[/INST]"},
        {"mistral-v7-tekken", "[SYSTEM_PROMPT]You are terse.[/SYSTEM_PROMPT][INST]Hi[/INST] Hello "
                              "there </s>[INST]Who are you?[/INST]"},
    };
    for (const auto &[name, text] : expected) EXPECT_EQ(formatted(name), text) << name;
    EXPECT_NE(std::string(llama_chat_template_names()).find("mistral-v7-tekken"),
              std::string::npos);
}

TEST(ChatTemplate, RecognisesJinjaTemplatesByWhatTheyContain) {
    // SmolLM2's own template (tests/data/bpe/smollm2-vocab.gguf) is ChatML.
    std::string error;
    const auto f = llama::gguf_file::open(test::data("bpe/smollm2-vocab.gguf"), &error);
    ASSERT_NE(f, nullptr) << error;
    const std::string smollm2 =
        llama::gguf_get_string(*f, "tokenizer.chat_template", &error).value_or("");
    ASSERT_NE(smollm2, "");
    EXPECT_EQ(formatted(smollm2), formatted("chatml"));
    // Pieces of Jinja with the text that gives each kind away.
    const std::pair<const char *, const char *> kinds[] = {
        {"{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}", "llama3"},
        {"{{ bos_token + '[INST] <<SYS>>\\n' + system + '\\n<</SYS>>\\n\\n' }}", "llama2-sys-bos"},
        {"{{ '[INST] <<SYS>>' + m + '<</SYS>>' }}", "llama2-sys"},
        {"{% set content = message['content'] %}{{ '[INST] ' + content.strip() }}",
         "llama2-sys-strip"},
        {"{{ '[INST] ' + content + ' [/INST]' }}", "llama2"},
        {"{{ '<|user|>\\n' + message['content'] + '<|endoftext|>' }}", "zephyr"},
        {"{{ '[SYSTEM_PROMPT]' + system + '[/SYSTEM_PROMPT]' }}{{ '[INST]' }}", "mistral-v7"},
        {"{{ '[AVAILABLE_TOOLS]' }}{{ '[INST] ' + content }}", "mistral-v3"},
        {"{{ bos_token }}{{ ' [INST] ' + system_message }}", "mistral-v1"},
    };
    for (const auto &[jinja, name] : kinds) EXPECT_EQ(formatted(jinja), formatted(name)) << jinja;
}

TEST(ChatTemplate, RefusesTemplatesItCannotFormat) {
    // Phi 3 by llama.cpp's tests, named; and a template nobody knows.
    EXPECT_NE(formatted("{{ '<|user|>' + content + '<|end|>' }}{{ '<|assistant|>' }}")
                  .find("error: the chat template is llama.cpp's 'phi3', which this library "
                        "cannot format (it formats chatml, "),
              std::string::npos);
    EXPECT_NE(formatted("{{ messages }}")
                  .find("error: the chat template is not one this library "
                        "knows"),
              std::string::npos);
    // ChatML's marker but Phi 4's separator: not ChatML.
    EXPECT_NE(formatted("<|im_start|>{{ role }}<|im_sep|>").find("'phi4'"), std::string::npos);
    EXPECT_EQ(llama_chat_apply_template(nullptr, CONVERSATION, 1, true, nullptr, 0), -1);
    const llama_chat_message no_content = {"user", nullptr};
    EXPECT_EQ(llama_chat_apply_template("chatml", &no_content, 1, true, nullptr, 0), -1);
    EXPECT_NE(std::string(llama_last_error()).find("message 0 has no role or no content"),
              std::string::npos);
}

TEST(ChatTemplate, ReturnsTheWholeLengthAndWritesWhatFits) {
    const std::string whole = formatted("chatml", 2);
    char buf[8] = "xxxxxxx";
    EXPECT_EQ(llama_chat_apply_template("chatml", CONVERSATION, 2, true, buf, 4),
              int32_t(whole.size()));
    EXPECT_EQ(std::string(buf, 7), "<|imxxx");
    // without the assistant's turn opened
    EXPECT_EQ(formatted("chatml", 0), "<|im_start|>assistant\n");
    EXPECT_EQ(llama_chat_apply_template("chatml", CONVERSATION, 1, false, nullptr, 0),
              int32_t(std::string("<|im_start|>system\nYou are terse.<|im_end|>\n").size()));
}

} // namespace
