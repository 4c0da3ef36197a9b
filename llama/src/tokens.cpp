// The C API of the tokenizer.
#include "model.h"

#include <climits>
#include <cstring>

llama_token llama_token_bos(const llama_model *model) { return model->tok->get_vocab().bos_id; }

llama_token llama_token_eos(const llama_model *model) { return model->tok->get_vocab().eos_id; }

bool llama_add_bos(const llama_model *model) { return model->tok->get_vocab().add_bos; }

llama_token_type llama_token_get_type(const llama_model *model, llama_token token) {
    if (token < 0 || token >= model->tok->n_tokens()) return LLAMA_TOKEN_TYPE_UNDEFINED;
    return llama_token_type(model->tok->get_vocab().types[size_t(token)]);
}

bool llama_token_is_eog(const llama_model *model, llama_token token) {
    return model->tok->is_eog(token);
}

const char *llama_model_chat_template(const llama_model *model) {
    const std::string &t = model->tok->get_vocab().chat_template;
    return t.empty() ? nullptr : t.c_str();
}

int32_t llama_tokenize(const llama_model *model, const char *text, int32_t text_len,
                       llama_token *tokens, int32_t n_max, bool add_bos, bool parse_special) {
    return llama::c_api_call("llama_tokenize", INT32_MIN, [&] {
        const std::string_view s(text, text_len < 0 ? std::strlen(text) : size_t(text_len));
        const std::vector<llama::token_id> ids = model->tok->encode(s, add_bos, parse_special);
        if (n_max < 0 || ids.size() > size_t(n_max)) return -int32_t(ids.size());
        std::copy(ids.begin(), ids.end(), tokens);
        return int32_t(ids.size());
    });
}

int32_t llama_token_to_piece(const llama_model *model, llama_token prev, llama_token token,
                             char *buf, int32_t buf_size, bool special) {
    return llama::c_api_call("llama_token_to_piece", INT32_MIN, [&] {
        const std::string piece = model->tok->piece_after(prev, token, special);
        if (buf_size < 0 || piece.size() > size_t(buf_size)) return -int32_t(piece.size());
        std::memcpy(buf, piece.data(), piece.size());
        return int32_t(piece.size());
    });
}
