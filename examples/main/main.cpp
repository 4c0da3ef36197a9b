// main: generate text from a prompt, streaming it as it comes.
#include "args.h"
#include "llama.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

struct options {
    std::string model;
    std::string prompt;
    int32_t n_predict = 256;
    int32_t n_threads = llama_context_default_params().n_threads;
    uint32_t n_ctx = 0;
    uint32_t n_batch = 512;
    llama_sampler_params sampling = llama_sampler_default_params();
    bool kv_f32 = false;
};

void print_piece(const llama_model *model, llama_token prev, llama_token token) {
    std::string buf(256, '\0');
    int32_t n = llama_token_to_piece(model, prev, token, buf.data(), int32_t(buf.size()), false);
    if (n < 0) { // a longer piece: the size it needs
        buf.resize(size_t(-n));
        n = llama_token_to_piece(model, prev, token, buf.data(), int32_t(buf.size()), false);
    }
    if (n > 0) std::fwrite(buf.data(), 1, size_t(n), stdout);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv) {
    options o;
    args::parser p("main", "-m MODEL -p PROMPT [options]",
                   "Generates text that continues PROMPT, printing it as it is generated.\n"
                   "Timings go to stderr at the end. Temperature 0 picks the most likely token.");
    p.add(args::model_flag(&o.model));
    p.add(args::string_flag({"-p", "--prompt"}, "TEXT", "the prompt to continue", &o.prompt));
    p.add(args::int_flag({"-n", "--n-predict"}, "tokens to generate", 0, 1 << 20, &o.n_predict));
    p.add(args::threads_flag(&o.n_threads));
    p.add(args::ctx_flag(&o.n_ctx));
    p.add(args::batch_flag(&o.n_batch));
    p.add(args::float_flag({"--temp"}, "temperature; 0 = greedy", 0.0f, 100.0f, &o.sampling.temp));
    p.add(args::int_flag({"--top-k"}, "sample among the K most likely tokens; 0 = all", 0, 1 << 30,
                         &o.sampling.top_k));
    p.add(args::float_flag({"--top-p"},
                           "sample among the most likely tokens reaching this "
                           "probability; 1 = off",
                           0.0f, 1.0f, &o.sampling.top_p));
    p.add(args::float_flag({"--min-p"}, "drop tokens less likely than this times the best; 0 = off",
                           0.0f, 1.0f, &o.sampling.min_p));
    p.add(args::float_flag({"--repeat-penalty"}, "penalty for tokens seen recently; 1 = off", 0.01f,
                           10.0f, &o.sampling.repeat_penalty));
    p.add(args::int_flag({"--repeat-last-n"}, "how many recent tokens the penalty looks at", 0,
                         1 << 20, &o.sampling.repeat_last_n));
    p.add(args::seed_flag(&o.sampling.seed));
    p.add(args::switch_flag({"--kv-f32"}, "keep the KV cache in F32 instead of F16", &o.kv_f32));
    int exit_code = 0;
    if (!p.parse(argc, argv, &exit_code)) return exit_code;
    if (o.model.empty()) {
        p.error("no model given (-m FILE)");
        return 1;
    }

    llama_model *model = llama_model_load(o.model.c_str());
    if (!model) {
        std::fprintf(stderr, "main: %s\n", llama_last_error());
        return 1;
    }
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = o.n_ctx;
    cp.n_batch = o.n_batch;
    cp.n_threads = o.n_threads;
    cp.kv_type = o.kv_f32 ? GGML_TYPE_F32 : GGML_TYPE_F16;
    llama_context *ctx = llama_context_new(model, cp);
    if (!ctx) {
        std::fprintf(stderr, "main: %s\n", llama_last_error());
        llama_model_free(model);
        return 1;
    }
    if (llama_n_ctx(ctx) > uint32_t(llama_n_ctx_train(model)))
        std::fprintf(stderr,
                     "main: warning: context %u is longer than the model was trained for (%d)\n",
                     llama_n_ctx(ctx), llama_n_ctx_train(model));

    const int32_t needed = -llama_tokenize(model, o.prompt.c_str(), -1, nullptr, 0, true, false);
    std::vector<llama_token> tokens(size_t(std::max(needed, 0)));
    llama_tokenize(model, o.prompt.c_str(), -1, tokens.data(), int32_t(tokens.size()), true, false);
    if (tokens.size() > llama_n_ctx(ctx)) {
        std::fprintf(stderr, "main: the prompt has %zu tokens, the context only %u\n",
                     tokens.size(), llama_n_ctx(ctx));
        llama_context_free(ctx);
        llama_model_free(model);
        return 1;
    }

    llama_sampler *smpl = llama_sampler_new(o.sampling);
    for (size_t i = 0; i < tokens.size(); i++) {
        llama_sampler_accept(smpl, tokens[i]);
        if (i > 0) print_piece(model, tokens[i - 1], tokens[i]);
    }
    int status = 0;
    if (llama_decode(ctx, tokens.data(), int32_t(tokens.size())) != 0) {
        std::fprintf(stderr, "\nmain: %s\n", llama_last_error());
        status = 1;
    }
    llama_token prev = tokens.back();
    for (int32_t i = 0; status == 0 && i < o.n_predict; i++) {
        const llama_token next =
            llama_sampler_sample(smpl, llama_get_logits(ctx), llama_n_vocab(model));
        if (next == llama_token_eos(model)) break;
        llama_sampler_accept(smpl, next);
        print_piece(model, prev, next);
        prev = next;
        if (i + 1 == o.n_predict) break;
        // the last position's logits gave this token; evaluating it needs one more
        if (llama_n_past(ctx) >= int32_t(llama_n_ctx(ctx))) {
            std::fprintf(stderr, "\nmain: the context (%u tokens) is full\n", llama_n_ctx(ctx));
            break;
        }
        if (llama_decode(ctx, &next, 1) != 0) {
            std::fprintf(stderr, "\nmain: %s\n", llama_last_error());
            status = 1;
        }
    }
    std::printf("\n");

    const llama_timings t = llama_get_timings(ctx);
    std::fprintf(stderr, "\nload time:   %10.2f ms\n", t.t_load_ms);
    std::fprintf(stderr, "prompt:      %10.2f ms / %4d tokens (%8.2f tokens/s)\n", t.t_prompt_ms,
                 t.n_prompt, t.t_prompt_ms > 0 ? 1000.0 * t.n_prompt / t.t_prompt_ms : 0.0);
    std::fprintf(stderr, "generation:  %10.2f ms / %4d tokens (%8.2f tokens/s)\n", t.t_eval_ms,
                 t.n_eval, t.t_eval_ms > 0 ? 1000.0 * t.n_eval / t.t_eval_ms : 0.0);
    llama_sampler_free(smpl);
    llama_context_free(ctx);
    llama_model_free(model);
    return status;
}
