/* Continues a prompt greedily with the C API: app_c MODEL [PROMPT] [N]. */
#include <llama.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODEL [PROMPT] [N]\n", argv[0]);
        return 1;
    }
    const char *prompt = argc > 2 ? argv[2] : "Once upon a time";
    const int n_predict = argc > 3 ? atoi(argv[3]) : 32;

    struct llama_model *model = llama_model_load(argv[1]);
    if (!model) {
        fprintf(stderr, "%s\n", llama_last_error());
        return 1;
    }
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = 256;
    struct llama_context *ctx = llama_context_new(model, cp);
    struct llama_sampler_params sp = llama_sampler_default_params();
    sp.temp = 0.0f; /* greedy: the same text every run */
    struct llama_sampler *smpl = llama_sampler_new(sp);

    llama_token tokens[256];
    const int n = llama_tokenize(model, prompt, -1, tokens, 256, true, false);
    if (!ctx || n < 1 || llama_decode(ctx, tokens, n) != 0) {
        fprintf(stderr, "%s\n", llama_last_error());
        return 1;
    }
    char piece[64];
    llama_token prev = tokens[n - 1];
    printf("%s", prompt);
    for (int i = 0; i < n_predict; i++) {
        const llama_token next =
            llama_sampler_sample(smpl, llama_get_logits(ctx), llama_n_vocab(model));
        if (next == llama_token_eos(model)) break;
        const int len = llama_token_to_piece(model, prev, next, piece, sizeof piece, false);
        if (len > 0) fwrite(piece, 1, (size_t)len, stdout);
        prev = next;
        if (llama_decode(ctx, &next, 1) != 0) break;
    }
    printf("\n");
    llama_sampler_free(smpl);
    llama_context_free(ctx);
    llama_model_free(model);
    return 0;
}
