#include "generation.h"

#include <algorithm>

std::vector<llama_token> generation::tokenize(const std::string &text, bool add_bos,
                                              bool parse_special) const {
    const auto n = int32_t(text.size());
    const int32_t needed =
        -llama_tokenize(model, text.data(), n, nullptr, 0, add_bos, parse_special);
    std::vector<llama_token> tokens(size_t(std::max(needed, 0)));
    llama_tokenize(model, text.data(), n, tokens.data(), int32_t(tokens.size()), add_bos,
                   parse_special);
    return tokens;
}

std::string generation::piece(llama_token prev, llama_token token) const {
    std::string buf(64, '\0');
    int32_t n = llama_token_to_piece(model, prev, token, buf.data(), int32_t(buf.size()), special);
    if (n < 0) { // a longer piece: the size it needs
        buf.resize(size_t(-n));
        n = llama_token_to_piece(model, prev, token, buf.data(), int32_t(buf.size()), special);
    }
    buf.resize(size_t(n));
    return buf;
}

bool generation::evaluate(const std::vector<llama_token> &tokens, std::string *error) {
    if (tokens.empty()) return true;
    const uint32_t n_ctx = llama_n_ctx(ctx);
    if (size_t(llama_n_past(ctx)) + tokens.size() > n_ctx) {
        *error = "the context (" + std::to_string(n_ctx) + " tokens) is full";
        return false;
    }
    for (llama_token t : tokens) llama_sampler_accept(smpl, t);
    if (llama_decode(ctx, tokens.data(), int32_t(tokens.size())) != 0) {
        *error = llama_last_error();
        return false;
    }
    return true;
}

generation::end generation::generate(int32_t n, llama_token prev, bool evaluate_last,
                                     std::string *text, std::string *error) {
    for (int32_t i = 0; i < n; i++) {
        const llama_token next =
            llama_sampler_sample(smpl, llama_get_logits(ctx), llama_n_vocab(model));
        if (llama_token_is_eog(model, next)) return end::END_OF_TURN;
        const std::string p = piece(prev, next);
        out->write(p);
        *text += p;
        prev = next;
        if (i + 1 == n && !evaluate_last) break;
        // the last position's logits gave this token; evaluating it needs one more
        if (!evaluate({next}, error))
            return llama_n_past(ctx) >= int32_t(llama_n_ctx(ctx)) ? end::CONTEXT_FULL : end::ERROR;
    }
    return end::LIMIT;
}
