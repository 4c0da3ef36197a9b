// main: generate text from a prompt, or chat, streaming it as it comes.
#include "args.h"
#include "chat.h"
#include "generation.h"
#include "llama.h"
#include "utf8_stream.h"

#include <cstdio>
#include <iostream>
#include <string>
#include <unistd.h>
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
    bool special = false;
    bool chat = false;
    std::string system;
    std::string chat_template;
};

// Continues the prompt: prints it, then what the model writes after it.
int complete(const options &o, generation &gen) {
    const std::vector<llama_token> tokens = gen.tokenize(o.prompt, true, o.special);
    if (tokens.empty()) {
        std::fprintf(stderr, "main: the prompt is empty and the model has no BOS to start from\n");
        return 1;
    }
    for (size_t i = 0; i < tokens.size(); i++)
        gen.out->write(gen.piece(i > 0 ? tokens[i - 1] : -1, tokens[i]));
    std::string error, text;
    if (!gen.evaluate(tokens, &error)) {
        std::fprintf(stderr, "\nmain: the prompt: %s\n", error.c_str());
        return 1;
    }
    const generation::end end = gen.generate(o.n_predict, tokens.back(), false, &text, &error);
    gen.out->flush();
    std::printf("\n");
    if (end == generation::end::CONTEXT_FULL) std::fprintf(stderr, "\nmain: %s\n", error.c_str());
    if (end == generation::end::ERROR) {
        std::fprintf(stderr, "\nmain: %s\n", error.c_str());
        return 1;
    }
    return 0;
}

// The chat template to use: --chat-template or the model's; "" (after a
// message) when there is none or it is not one llama.h formats.
std::string chat_template(const options &o, const llama_model *model) {
    const char *from_model = llama_model_chat_template(model);
    const std::string tmpl = !o.chat_template.empty() ? o.chat_template
                             : from_model             ? from_model
                                                      : "";
    if (tmpl.empty()) {
        std::fprintf(stderr,
                     "main: the model has no chat template; name one with --chat-template "
                     "NAME (%s)\n",
                     llama_chat_template_names());
        return "";
    }
    const llama_chat_message probe = {"user", "hi"};
    if (llama_chat_apply_template(tmpl.c_str(), &probe, 1, true, nullptr, 0) >= 0) return tmpl;
    if (o.chat_template.empty())
        std::fprintf(stderr,
                     "main: the model's template (tokenizer.chat_template): %s; name one "
                     "with --chat-template NAME\n",
                     llama_last_error());
    else
        std::fprintf(stderr, "main: --chat-template '%s': %s\n", tmpl.c_str(), llama_last_error());
    return "";
}

// A conversation: the system prompt, then a user turn per line of stdin
// (after -p's, if given), each answered as it streams.
int converse(const options &o, const std::string &tmpl, generation &gen) {
    chat c(&gen, tmpl);
    if (!o.system.empty()) c.add("system", o.system);
    const bool terminal = isatty(STDIN_FILENO);
    std::string line = o.prompt, error;
    for (bool first = true;; first = false) {
        if (!first || line.empty()) {
            if (terminal) std::printf("> ");
            std::fflush(stdout);
            if (!std::getline(std::cin, line)) break;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty()) continue;
        }
        if (!c.turn(line, o.n_predict, &error)) {
            gen.out->flush();
            std::fprintf(stderr, "\nmain: %s; the conversation ends here\n", error.c_str());
            return 1;
        }
        gen.out->flush();
        std::printf("\n");
    }
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    options o;
    args::parser p(
        "main", "-m MODEL (-p PROMPT | -cnv) [options]",
        "Generates text that continues PROMPT, printing it as it is generated. With -cnv, "
        "chats instead: each line of stdin is a user turn (one at a time at a terminal), "
        "answered with the model's chat template.\n"
        "Timings go to stderr at the end. Temperature 0 picks the most likely token.\n"
        "  printf 'Hi!\\nAnd you?\\n' | main -m MODEL -cnv -sys 'You are brief.'");
    p.add(args::model_flag(&o.model));
    p.add(args::string_flag({"-p", "--prompt"}, "TEXT",
                            "the prompt to continue; with -cnv the first user turn", &o.prompt));
    p.add(args::int_flag({"-n", "--n-predict"}, "tokens to generate (per turn with -cnv)", 0,
                         1 << 20, &o.n_predict));
    p.add(
        args::switch_flag({"-cnv", "--chat"}, "chat: user turns from stdin, a line each", &o.chat));
    p.add(
        args::string_flag({"-sys", "--system"}, "TEXT", "with -cnv: the system prompt", &o.system));
    p.add(args::string_flag({"--chat-template"}, "NAME",
                            std::string("with -cnv: the template instead of the model's: ") +
                                llama_chat_template_names(),
                            &o.chat_template));
    p.add(args::switch_flag({"--special"},
                            "control tokens written in the prompt (<|im_start|>, <s>, ...) are "
                            "those tokens, and control tokens are printed",
                            &o.special));
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
    if (!o.chat && (!o.system.empty() || !o.chat_template.empty())) {
        p.error("-sys and --chat-template are for -cnv");
        return 1;
    }

    llama_model *model = llama_model_load(o.model.c_str());
    if (!model) {
        std::fprintf(stderr, "main: %s\n", llama_last_error());
        return 1;
    }
    const std::string tmpl = o.chat ? chat_template(o, model) : "";
    if (o.chat && tmpl.empty()) {
        llama_model_free(model);
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

    llama_sampler *smpl = llama_sampler_new(o.sampling);
    utf8_stream out(stdout);
    generation gen{model, ctx, smpl, &out, o.special};
    const int status = o.chat ? converse(o, tmpl, gen) : complete(o, gen);

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
