// Chat templates: a conversation as the text a chat model was trained on.
// Models carry theirs as Jinja (tokenizer.chat_template); like llama.cpp,
// this does not run Jinja but recognises the common templates by what their
// text contains and formats them in code.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace llama {

enum class chat_format {
    CHATML,            // <|im_start|>role\n...<|im_end|>\n (SmolLM, Qwen, ...)
    LLAMA2,            // [INST] ... [/INST], a system message as plain text
    LLAMA2_SYS,        // with <<SYS>>...<</SYS>>
    LLAMA2_SYS_BOS,    // and <s> before each later [INST]
    LLAMA2_SYS_STRIP,  // and contents stripped of surrounding white space
    LLAMA3,            // <|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>
    ZEPHYR,            // <|role|>\n...<|endoftext|>\n
    MISTRAL_V1,        // " [INST] ... [/INST]"
    MISTRAL_V3,        // "[INST] ... [/INST]", assistant turns stripped
    MISTRAL_V3_TEKKEN, // "[INST]...[/INST]"
    MISTRAL_V7,        // [SYSTEM_PROMPT] [/SYSTEM_PROMPT][INST] [/INST]
    MISTRAL_V7_TEKKEN, // the same without the spaces
};

struct chat_message {
    std::string_view role; // "system", "user" or "assistant"
    std::string_view content;
};

// The format called `name` (chat_format_names()), or else the one a Jinja
// template's text gives away, by the substrings llama.cpp looks for.
// nullopt and *error when neither: a template of another kind (llama.cpp's
// name for it is said when it knows one) or not a known one at all.
std::optional<chat_format> find_chat_format(std::string_view template_or_name, std::string *error);

// The names find_chat_format takes, comma-separated.
const char *chat_format_names();

// The conversation as the template writes it, ending with the start of an
// assistant turn when add_assistant (for formats that have one). BOS is not
// included: the tokenizer adds it.
std::string format_chat(chat_format format, std::span<const chat_message> messages,
                        bool add_assistant);

} // namespace llama
