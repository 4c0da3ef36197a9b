// perplexity: how well a model predicts a text, computed as llama.cpp's
// perplexity tool does (docs/formats.md section 6) so the numbers compare; and the
// KL divergence of a quantized model from the full-precision one.
#include "args.h"
#include "llama.h"
#include "logprob_file.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

struct options {
    std::string model, text_file, save_logits, kl_base;
    uint32_t n_ctx = 512;
    uint32_t n_batch = 512;
    int32_t n_threads = llama_context_default_params().n_threads;
    int32_t n_chunks = -1;
};

// Mean and standard error of a running sum of samples.
struct running_stats {
    double sum = 0.0, sum_sq = 0.0;
    size_t n = 0;
    void add(double x) {
        sum += x;
        sum_sq += x * x;
        n++;
    }
    double mean() const { return n ? sum / double(n) : 0.0; }
    double std_error() const {
        if (n < 2) return 0.0;
        const double var = sum_sq / double(n) - mean() * mean();
        return std::sqrt(std::max(var, 0.0) / double(n - 1));
    }
};

// log softmax of one row of logits, in double, stored as float.
void log_softmax(const float *logits, int32_t n, float *out) {
    const double max = *std::max_element(logits, logits + n);
    double sum = 0.0;
    for (int32_t i = 0; i < n; i++) sum += std::exp(double(logits[i]) - max);
    const double log_sum = max + std::log(sum);
    for (int32_t i = 0; i < n; i++) out[i] = float(double(logits[i]) - log_sum);
}

struct kl_stats {
    running_stats kl;
    std::vector<float> all; // every position's KL, for the median and tail
    size_t top_agree = 0;

    // KL(base || model) at one position, and whether the top tokens agree.
    void add(const float *base, const float *model, int32_t n_vocab) {
        double d = 0.0;
        for (int32_t v = 0; v < n_vocab; v++)
            d += std::exp(double(base[v])) * (double(base[v]) - double(model[v]));
        kl.add(d);
        all.push_back(float(d));
        top_agree += std::max_element(base, base + n_vocab) - base ==
                     std::max_element(model, model + n_vocab) - model;
    }

    void print() {
        std::sort(all.begin(), all.end());
        auto quantile = [&](double q) { return all[size_t(q * double(all.size() - 1))]; };
        const double p = double(top_agree) / double(kl.n);
        std::printf("KL divergence: mean %.6f +/- %.6f, median %.6f, 99%% %.6f, max %.6f\n",
                    kl.mean(), kl.std_error(), double(quantile(0.5)), double(quantile(0.99)),
                    double(all.back()));
        std::printf("top token agreement: %.3f %% +/- %.3f %% (%zu of %zu positions)\n", 100.0 * p,
                    100.0 * std::sqrt(p * (1.0 - p) / double(kl.n)), top_agree, kl.n);
    }
};

bool read_text(const std::string &path, std::string *text) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    text->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return true;
}

int run(const options &o) {
    std::string text;
    if (!read_text(o.text_file, &text)) {
        std::fprintf(stderr, "perplexity: cannot read '%s'\n", o.text_file.c_str());
        return 1;
    }
    if (text.size() > size_t(INT32_MAX)) { // the tokenizer takes an int32 length
        std::fprintf(stderr, "perplexity: '%s' is larger than 2 GiB\n", o.text_file.c_str());
        return 1;
    }
    llama_model *model = llama_model_load(o.model.c_str());
    if (!model) {
        std::fprintf(stderr, "perplexity: %s\n", llama_last_error());
        return 1;
    }
    const int32_t n_vocab = llama_n_vocab(model);
    const int32_t n_needed =
        -llama_tokenize(model, text.c_str(), int32_t(text.size()), nullptr, 0, true, false);
    std::vector<llama_token> tokens(size_t(std::max(n_needed, 1)));
    llama_tokenize(model, text.c_str(), int32_t(text.size()), tokens.data(), int32_t(tokens.size()),
                   true, false);

    const int32_t n_ctx = int32_t(o.n_ctx), first = n_ctx / 2;
    int32_t n_chunks = int32_t(tokens.size() / size_t(n_ctx));
    if (o.n_chunks >= 0) n_chunks = std::min(n_chunks, o.n_chunks);
    if (n_chunks < 1) {
        std::fprintf(stderr, "perplexity: '%s' has %zu tokens, fewer than one chunk of %d\n",
                     o.text_file.c_str(), tokens.size(), n_ctx);
        llama_model_free(model);
        return 1;
    }

    logprob_reader base;
    logprob_writer saved;
    std::string err;
    std::vector<llama_token> evaluated(size_t(n_chunks) * size_t(n_ctx));
    const llama_token bos = llama_token_bos(model);
    for (int32_t c = 0; c < n_chunks; c++) {
        std::copy_n(tokens.begin() + ptrdiff_t(c) * n_ctx, n_ctx,
                    evaluated.begin() + ptrdiff_t(c) * n_ctx);
        if (llama_add_bos(model)) evaluated[size_t(c) * size_t(n_ctx)] = bos; // every chunk anew
    }
    const logprob_header header{uint32_t(n_ctx), uint32_t(n_vocab), uint32_t(n_chunks),
                                uint32_t(first)};
    bool ok = true;
    if (!o.kl_base.empty()) {
        ok = base.open(o.kl_base, &err);
        const logprob_header &h = base.header();
        if (ok &&
            (h.n_ctx != header.n_ctx || h.n_vocab != header.n_vocab || h.first != header.first)) {
            err = o.kl_base + ": saved with context " + std::to_string(h.n_ctx) +
                  " and vocabulary " + std::to_string(h.n_vocab) + ", this run has " +
                  std::to_string(n_ctx) + " and " + std::to_string(n_vocab);
            ok = false;
        }
        if (ok && h.n_chunks < uint32_t(n_chunks)) {
            err = o.kl_base + ": holds " + std::to_string(h.n_chunks) + " chunks, this run needs " +
                  std::to_string(n_chunks);
            ok = false;
        }
        if (ok && !std::equal(evaluated.begin(), evaluated.end(), base.tokens().begin())) {
            err = o.kl_base + ": was computed on other tokens (another text or tokenizer)";
            ok = false;
        }
    }
    if (ok && !o.save_logits.empty()) ok = saved.open(o.save_logits, header, evaluated, &err);
    if (!ok) {
        std::fprintf(stderr, "perplexity: %s\n", err.c_str());
        llama_model_free(model);
        return 1;
    }

    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = o.n_ctx;
    cp.n_batch = std::min(o.n_batch, o.n_ctx);
    cp.n_threads = o.n_threads;
    cp.all_logits = true;
    llama_context *ctx = llama_context_new(model, cp);
    if (!ctx) {
        std::fprintf(stderr, "perplexity: %s\n", llama_last_error());
        llama_model_free(model);
        return 1;
    }

    std::printf("perplexity: %zu tokens, %d chunks of %d, scoring the last %d tokens of each\n",
                tokens.size(), n_chunks, n_ctx, n_ctx - 1 - first);
    std::fflush(stdout);
    running_stats nll;
    kl_stats kl;
    std::vector<float> logprobs(size_t(n_ctx - 1 - first) * size_t(n_vocab)), base_logprobs;
    const auto t0 = std::chrono::steady_clock::now();
    int status = 0;
    for (int32_t c = 0; c < n_chunks && status == 0; c++) {
        const llama_token *chunk = evaluated.data() + size_t(c) * size_t(n_ctx);
        llama_kv_clear(ctx);
        if (llama_decode(ctx, chunk, n_ctx) != 0) {
            std::fprintf(stderr, "\nperplexity: %s\n", llama_last_error());
            status = 1;
            break;
        }
        // logits at position j predict the token at j + 1
        for (int32_t j = first; j < n_ctx - 1; j++) {
            float *lp = logprobs.data() + size_t(j - first) * size_t(n_vocab);
            log_softmax(llama_get_logits_ith(ctx, j), n_vocab, lp);
            nll.add(-double(lp[chunk[j + 1]]));
        }
        if (!o.save_logits.empty() && !saved.write_chunk(logprobs, &err)) status = 1;
        if (!o.kl_base.empty()) {
            if (!base.read_chunk(&base_logprobs, &err)) status = 1;
            for (int32_t j = 0; status == 0 && j < n_ctx - 1 - first; j++)
                kl.add(base_logprobs.data() + size_t(j) * size_t(n_vocab),
                       logprobs.data() + size_t(j) * size_t(n_vocab), n_vocab);
        }
        if (status != 0) {
            std::fprintf(stderr, "\nperplexity: %s\n", err.c_str());
            break;
        }
        if (c == 0) {
            const double per_chunk =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const double eta = per_chunk * double(n_chunks - 1);
            std::printf("perplexity: %.2f s per chunk, ETA %d min %02d s\n", per_chunk,
                        int(eta) / 60, int(eta) % 60);
        }
        std::printf("[%d]%.4f,", c + 1, std::exp(nll.mean()));
        std::fflush(stdout);
    }
    if (status == 0) {
        const double ppl = std::exp(nll.mean());
        std::printf("\nPPL = %.4f +/- %.4f\n", ppl, ppl * nll.std_error());
        if (!o.kl_base.empty()) kl.print();
        if (!o.save_logits.empty() && !saved.finish(&err)) {
            std::fprintf(stderr, "perplexity: %s\n", err.c_str());
            status = 1;
        }
    }
    llama_context_free(ctx);
    llama_model_free(model);
    return status;
}

} // namespace

int main(int argc, char **argv) {
    options o;
    args::parser p(
        "perplexity", "-m MODEL -f TEXT [options]",
        "Perplexity of MODEL on TEXT, over chunks of -c tokens each scored on its second\n"
        "half, exactly as llama.cpp's perplexity tool computes it. --save-logits keeps a\n"
        "model's log-probabilities; --kl-divergence compares another model against them.");
    p.add(args::model_flag(&o.model));
    p.add(args::string_flag({"-f", "--file"}, "FILE", "the text to score", &o.text_file));
    p.add(args::uint_flag({"-c", "--ctx-size"}, "tokens per chunk", 4, 1u << 20, &o.n_ctx));
    p.add(args::batch_flag(&o.n_batch));
    p.add(args::threads_flag(&o.n_threads));
    p.add(args::int_flag({"--chunks"}, "score only the first N chunks; -1 = all", -1, 1 << 30,
                         &o.n_chunks));
    p.add(args::string_flag({"--save-logits"}, "FILE",
                            "write the log-probabilities of every scored position to FILE",
                            &o.save_logits));
    p.add(args::string_flag({"--kl-divergence"}, "FILE",
                            "compare with the log-probabilities saved in FILE: KL divergence and "
                            "top-token agreement",
                            &o.kl_base));
    int exit_code = 0;
    if (!p.parse(argc, argv, &exit_code)) return exit_code;
    if (o.model.empty() || o.text_file.empty()) {
        p.error(o.model.empty() ? "no model given (-m FILE)" : "no text given (-f FILE)");
        return 1;
    }
    if (!o.save_logits.empty() && o.save_logits == o.kl_base) {
        p.error("--save-logits and --kl-divergence name the same file");
        return 1;
    }
    return run(o);
}
