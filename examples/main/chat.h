// A conversation for main -cnv: the messages so far, formatted with the
// model's chat template, and the text that the context holds, so that each
// turn evaluates only what the template adds after it.
#pragma once

#include "generation.h"

#include <string>
#include <vector>

class chat {
  public:
    // `tmpl`: a template's name or the model's Jinja template (see
    // llama_chat_apply_template), checked by the caller.
    chat(generation *gen, std::string tmpl) : gen_(gen), tmpl_(std::move(tmpl)) {}

    // Adds a message without evaluating it (a system prompt).
    void add(std::string role, std::string content);

    // Adds the user's message and evaluates the conversation up to the start
    // of the assistant's turn; then streams the reply (at most n_predict
    // tokens, until the model ends its turn) and adds it. False and *error
    // when the context is full or evaluation fails.
    bool turn(const std::string &user, int32_t n_predict, std::string *error);

  private:
    struct message {
        std::string role, content;
    };
    // A stretch of tokens evaluated together: how many tokens the context
    // held after it, and where its text ended in held_.
    struct span {
        int32_t n_tokens;
        size_t text_end;
    };
    generation *gen_;
    std::string tmpl_;
    std::vector<message> messages_;
    std::string held_;        // the text of the tokens in the context
    std::vector<span> spans_; // of held_, in order
    llama_token last_ = -1;   // the last token in the context

    std::string format(bool add_assistant) const;
    bool evaluate_from(const std::string &formatted, std::string *error);
};
