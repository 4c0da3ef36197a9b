#include "chat_template.h"

#include "last_error.h"

#include "model.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace llama {

namespace {

const struct {
    const char *name;
    chat_format format;
} NAMES[] = {
    {"chatml", chat_format::CHATML},
    {"llama2", chat_format::LLAMA2},
    {"llama2-sys", chat_format::LLAMA2_SYS},
    {"llama2-sys-bos", chat_format::LLAMA2_SYS_BOS},
    {"llama2-sys-strip", chat_format::LLAMA2_SYS_STRIP},
    {"llama3", chat_format::LLAMA3},
    {"zephyr", chat_format::ZEPHYR},
    {"mistral-v1", chat_format::MISTRAL_V1},
    {"mistral-v3", chat_format::MISTRAL_V3},
    {"mistral-v3-tekken", chat_format::MISTRAL_V3_TEKKEN},
    {"mistral-v7", chat_format::MISTRAL_V7},
    {"mistral-v7-tekken", chat_format::MISTRAL_V7_TEKKEN},
};

const std::string FORMAT_NAMES = [] {
    std::string names;
    for (const auto &n : NAMES) names += (names.empty() ? "" : ", ") + std::string(n.name);
    return names;
}();

// What a template is, by llama.cpp's tests of its text, in llama.cpp's order
// (an earlier test wins): one of ours, or the name llama.cpp has for a kind
// this file does not format.
struct detected {
    std::optional<chat_format> format;
    const char *other = nullptr;
};

detected detect(std::string_view t) {
    const auto has = [&](std::string_view s) { return t.find(s) != std::string_view::npos; };
    if (has("<|im_start|>")) {
        if (has("<|im_sep|>")) return {{}, "phi4"};
        if (has("<end_of_utterance>")) return {{}, "smolvlm"};
        return {chat_format::CHATML};
    }
    if (t.starts_with("mistral") || has("[INST]")) {
        if (has("[SYSTEM_PROMPT]")) return {chat_format::MISTRAL_V7};
        if (has("' [INST] ' + system_message") || has("[AVAILABLE_TOOLS]")) {
            if (has(" [INST]")) return {chat_format::MISTRAL_V1};
            if (has("\"[INST]\"")) return {chat_format::MISTRAL_V3_TEKKEN};
            return {chat_format::MISTRAL_V3};
        }
        if (has("content.strip()")) return {chat_format::LLAMA2_SYS_STRIP};
        if (has("bos_token + '[INST]")) return {chat_format::LLAMA2_SYS_BOS};
        if (has("<<SYS>>")) return {chat_format::LLAMA2_SYS};
        return {chat_format::LLAMA2};
    }
    if (has("<|assistant|>") && has("<|end|>")) return {{}, "phi3"};
    if (has("[gMASK]<sop>")) return {{}, "chatglm4"};
    if (has("<|assistant|>") && has("<|user|>")) return {{}, "falcon3 or glmedge"};
    if (has("<|{{ item['role'] }}|>") && has("<|begin_of_image|>")) return {{}, "glmedge"};
    if (has("<|user|>") && has("<|endoftext|>")) return {chat_format::ZEPHYR};
    if (has("bos_token + message['role']")) return {{}, "monarch"};
    if (has("<start_of_turn>")) return {{}, "gemma"};
    if (has("'\\n\\nAssistant: ' + eos_token")) return {{}, "orion"};
    if (has("GPT4 Correct ")) return {{}, "openchat"};
    if (has("USER: ") && has("ASSISTANT: ")) return {{}, "vicuna"};
    if (has("### Instruction:") && has("<|EOT|>")) return {{}, "deepseek"};
    if (has("<|START_OF_TURN_TOKEN|>") && has("<|USER_TOKEN|>")) return {{}, "command-r"};
    if (has("<|start_header_id|>") && has("<|end_header_id|>")) return {chat_format::LLAMA3};
    return {};
}

std::string_view trim(std::string_view s) {
    const char *space = " \t\n\v\f\r";
    const size_t begin = s.find_first_not_of(space);
    if (begin == std::string_view::npos) return {};
    return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

std::string chatml(std::span<const chat_message> messages, bool add_assistant) {
    std::string out;
    for (const chat_message &m : messages)
        out.append("<|im_start|>")
            .append(m.role)
            .append("\n")
            .append(m.content)
            .append("<|im_end|>\n");
    if (add_assistant) out += "<|im_start|>assistant\n";
    return out;
}

// Llama 2: the turns in [INST] ... [/INST] pairs, the first opened without
// BOS (the tokenizer adds it), the system message inside the first.
std::string llama2(chat_format f, std::span<const chat_message> messages) {
    const bool sys = f != chat_format::LLAMA2, strip = f == chat_format::LLAMA2_SYS_STRIP;
    std::string out = "[INST] ";
    bool in_turn = true;
    for (const chat_message &m : messages) {
        const std::string_view content = strip ? trim(m.content) : m.content;
        if (!in_turn) {
            out += f == chat_format::LLAMA2_SYS_BOS ? "<s>[INST] " : "[INST] ";
            in_turn = true;
        }
        if (m.role == "system") {
            if (sys)
                out.append("<<SYS>>\n").append(content).append("\n<</SYS>>\n\n");
            else
                out.append(content).append("\n");
        } else if (m.role == "user") {
            out.append(content).append(" [/INST]");
        } else {
            out.append(content).append("</s>");
            in_turn = false;
        }
    }
    return out;
}

std::string llama3(std::span<const chat_message> messages, bool add_assistant) {
    std::string out;
    for (const chat_message &m : messages)
        out.append("<|start_header_id|>")
            .append(m.role)
            .append("<|end_header_id|>\n\n")
            .append(trim(m.content))
            .append("<|eot_id|>");
    if (add_assistant) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
    return out;
}

std::string zephyr(std::span<const chat_message> messages, bool add_assistant) {
    std::string out;
    for (const chat_message &m : messages)
        out.append("<|").append(m.role).append("|>\n").append(m.content).append("<|endoftext|>\n");
    if (add_assistant) out += "<|assistant|>\n";
    return out;
}

// Mistral v1, v3 and v3-tekken: [INST] opens a turn that the system message
// and the user message share; an assistant message closes it with </s>.
std::string mistral_v1_v3(chat_format f, std::span<const chat_message> messages) {
    const std::string_view lead = f == chat_format::MISTRAL_V1 ? " " : "";
    const std::string_view space = f == chat_format::MISTRAL_V3_TEKKEN ? "" : " ";
    std::string out;
    bool in_turn = false;
    for (const chat_message &m : messages) {
        if (!in_turn) {
            out.append(lead).append("[INST]").append(space);
            in_turn = true;
        }
        if (m.role == "system") {
            out.append(m.content).append("\n\n");
        } else if (m.role == "user") {
            out.append(m.content).append(lead).append("[/INST]");
        } else {
            const std::string_view content =
                f == chat_format::MISTRAL_V3 ? trim(m.content) : m.content;
            out.append(space).append(content).append("</s>");
            in_turn = false;
        }
    }
    return out;
}

std::string mistral_v7(chat_format f, std::span<const chat_message> messages) {
    const std::string_view space = f == chat_format::MISTRAL_V7 ? " " : "";
    std::string out;
    for (const chat_message &m : messages) {
        if (m.role == "system")
            out.append("[SYSTEM_PROMPT]")
                .append(space)
                .append(m.content)
                .append("[/SYSTEM_PROMPT]");
        else if (m.role == "user")
            out.append("[INST]").append(space).append(m.content).append("[/INST]");
        else
            out.append(space).append(m.content).append("</s>");
    }
    return out;
}

} // namespace

std::optional<chat_format> find_chat_format(std::string_view template_or_name, std::string *error) {
    for (const auto &n : NAMES)
        if (template_or_name == n.name) return n.format;
    const detected d = detect(template_or_name);
    if (d.format) return d.format;
    *error = d.other ? std::string("the chat template is llama.cpp's '") + d.other +
                           "', which this library cannot format"
                     : std::string("the chat template is not one this library knows");
    *error += " (it formats " + FORMAT_NAMES + ")";
    return std::nullopt;
}

const char *chat_format_names() { return FORMAT_NAMES.c_str(); }

std::string format_chat(chat_format format, std::span<const chat_message> messages,
                        bool add_assistant) {
    switch (format) {
    case chat_format::CHATML: return chatml(messages, add_assistant);
    case chat_format::LLAMA2:
    case chat_format::LLAMA2_SYS:
    case chat_format::LLAMA2_SYS_BOS:
    case chat_format::LLAMA2_SYS_STRIP: return llama2(format, messages);
    case chat_format::LLAMA3: return llama3(messages, add_assistant);
    case chat_format::ZEPHYR: return zephyr(messages, add_assistant);
    case chat_format::MISTRAL_V1:
    case chat_format::MISTRAL_V3:
    case chat_format::MISTRAL_V3_TEKKEN: return mistral_v1_v3(format, messages);
    case chat_format::MISTRAL_V7:
    case chat_format::MISTRAL_V7_TEKKEN: return mistral_v7(format, messages);
    }
    return "";
}

} // namespace llama

using namespace llama;

int32_t llama_chat_apply_template(const char *tmpl, const llama_chat_message *chat, size_t n_msg,
                                  bool add_assistant, char *buf, int32_t length) {
    return c_api_call("llama_chat_apply_template", -1, [&]() -> int32_t {
        if (!tmpl || (n_msg > 0 && !chat)) {
            set_error("llama_chat_apply_template: no template or no messages");
            return -1;
        }
        std::string error;
        const std::optional<chat_format> format = find_chat_format(tmpl, &error);
        if (!format) {
            set_error(error);
            return -1;
        }
        std::vector<chat_message> messages;
        for (size_t i = 0; i < n_msg; i++) {
            if (!chat[i].role || !chat[i].content) {
                set_error("llama_chat_apply_template: message " + std::to_string(i) +
                          " has no role or no content");
                return -1;
            }
            messages.push_back({chat[i].role, chat[i].content});
        }
        const std::string text = format_chat(*format, messages, add_assistant);
        if (text.size() > size_t(INT32_MAX)) {
            set_error("llama_chat_apply_template: the conversation is longer than 2 GiB");
            return -1;
        }
        if (buf && length > 0) std::memcpy(buf, text.data(), std::min(text.size(), size_t(length)));
        return int32_t(text.size());
    });
}

const char *llama_chat_template_names(void) { return chat_format_names(); }
