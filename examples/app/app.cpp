// Continues a prompt greedily with the C API from C++: app_cpp MODEL [PROMPT] [N].
#include <llama.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

template <auto free_fn> struct deleter {
    template <typename T> void operator()(T *p) const { free_fn(p); }
};
using model_ptr = std::unique_ptr<llama_model, deleter<llama_model_free>>;
using context_ptr = std::unique_ptr<llama_context, deleter<llama_context_free>>;
using sampler_ptr = std::unique_ptr<llama_sampler, deleter<llama_sampler_free>>;

} // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s MODEL [PROMPT] [N]\n", argv[0]);
        return 1;
    }
    const std::string prompt = argc > 2 ? argv[2] : "Once upon a time";
    const int n_predict = argc > 3 ? std::stoi(argv[3]) : 32;

    model_ptr model(llama_model_load(argv[1]));
    if (!model) {
        std::fprintf(stderr, "%s\n", llama_last_error());
        return 1;
    }
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = 256;
    context_ptr ctx(llama_context_new(model.get(), cp));
    llama_sampler_params sp = llama_sampler_default_params();
    sp.temp = 0.0f; // greedy: the same text every run
    sampler_ptr smpl(llama_sampler_new(sp));

    std::vector<llama_token> tokens(prompt.size() + 2);
    const int n = llama_tokenize(model.get(), prompt.c_str(), int(prompt.size()), tokens.data(),
                                 int(tokens.size()), true, false);
    if (!ctx || n < 1 || llama_decode(ctx.get(), tokens.data(), n) != 0) {
        std::fprintf(stderr, "%s\n", llama_last_error());
        return 1;
    }
    std::string text = prompt;
    llama_token prev = tokens[size_t(n - 1)];
    for (int i = 0; i < n_predict; i++) {
        const llama_token next = llama_sampler_sample(smpl.get(), llama_get_logits(ctx.get()),
                                                      llama_n_vocab(model.get()));
        if (next == llama_token_eos(model.get())) break;
        char piece[64];
        const int len = llama_token_to_piece(model.get(), prev, next, piece, sizeof piece, false);
        if (len > 0) text.append(piece, size_t(len));
        prev = next;
        if (llama_decode(ctx.get(), &next, 1) != 0) break;
    }
    std::printf("%s\n", text.c_str());
    return 0;
}
