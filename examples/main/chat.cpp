#include "chat.h"

#include <algorithm>

void chat::add(std::string role, std::string content) {
    messages_.push_back({std::move(role), std::move(content)});
}

std::string chat::format(bool add_assistant) const {
    std::vector<llama_chat_message> msgs;
    for (const message &m : messages_) msgs.push_back({m.role.c_str(), m.content.c_str()});
    // the caller checked the template, so this cannot fail
    const int32_t n = llama_chat_apply_template(tmpl_.c_str(), msgs.data(), msgs.size(),
                                                add_assistant, nullptr, 0);
    std::string text(size_t(std::max(n, 0)), '\0');
    llama_chat_apply_template(tmpl_.c_str(), msgs.data(), msgs.size(), add_assistant, text.data(),
                              int32_t(text.size()));
    return text;
}

// Makes the context hold `formatted`: keeps what it holds of it already,
// forgets any stretch that the template now writes differently (a template
// may trim a reply, say), and evaluates the rest.
bool chat::evaluate_from(const std::string &formatted, std::string *error) {
    size_t same = 0;
    while (same < held_.size() && same < formatted.size() && held_[same] == formatted[same]) same++;
    if (same < held_.size()) {
        while (!spans_.empty() && spans_.back().text_end > same) spans_.pop_back();
        llama_kv_keep(gen_->ctx, spans_.empty() ? 0 : spans_.back().n_tokens);
        held_.resize(spans_.empty() ? 0 : spans_.back().text_end);
    }
    const bool at_start = llama_n_past(gen_->ctx) == 0;
    const std::vector<llama_token> tokens =
        gen_->tokenize(formatted.substr(held_.size()), at_start, true);
    if (!gen_->evaluate(tokens, error)) return false;
    held_ = formatted;
    spans_.push_back({llama_n_past(gen_->ctx), held_.size()});
    last_ = tokens.empty() ? last_ : tokens.back();
    return true;
}

bool chat::turn(const std::string &user, int32_t n_predict, std::string *error) {
    add("user", user);
    if (!evaluate_from(format(true), error)) return false;
    std::string reply;
    const generation::end end = gen_->generate(n_predict, last_, true, &reply, error);
    if (end == generation::end::CONTEXT_FULL || end == generation::end::ERROR) return false;
    add("assistant", reply);
    held_ += reply;
    spans_.push_back({llama_n_past(gen_->ctx), held_.size()});
    return true;
}
