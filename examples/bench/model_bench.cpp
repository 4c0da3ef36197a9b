#include "model_bench.h"

#include "machine.h"

#include "llama.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

namespace bench {

namespace {

struct result {
    std::string test; // "pp512", "tg128"
    int threads;
    double mean, stddev; // tokens/s over the reps
    double gbps;         // generation: weight bytes read per second
    double read_gbps; // the machine's read bandwidth, probed just before this thread count's tests
};

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void mean_stddev(const std::vector<double> &v, double *mean, double *stddev) {
    double s = 0, s2 = 0;
    for (double x : v) s += x;
    *mean = s / double(v.size());
    for (double x : v) s2 += (x - *mean) * (x - *mean);
    *stddev = v.size() > 1 ? std::sqrt(s2 / double(v.size() - 1)) : 0.0;
}

// tokens/s of each rep of one test: a prompt of n tokens as one batch, or n
// tokens generated one at a time, each from an empty cache.
std::vector<double> run_test(llama_context *ctx, const std::vector<llama_token> &tokens, bool batch,
                             int reps) {
    std::vector<double> rates;
    for (int rep = -1; rep < reps; rep++) { // rep -1 warms up
        llama_kv_clear(ctx);
        const auto t0 = std::chrono::steady_clock::now();
        if (batch) {
            if (llama_decode(ctx, tokens.data(), int32_t(tokens.size())) != 0) return {};
        } else {
            for (llama_token t : tokens)
                if (llama_decode(ctx, &t, 1) != 0) return {};
        }
        if (rep >= 0) rates.push_back(double(tokens.size()) / seconds(t0));
    }
    return rates;
}

void print_results(const model_options &opt, const std::string &desc, double size_gib,
                   double params_b, const std::vector<result> &results) {
    if (opt.output == "csv") {
        std::printf(
            "model,size_gib,params_b,threads,test,tokens_per_s,stddev,gen_gbps,read_gbps\n");
        for (const result &r : results)
            std::printf("\"%s\",%.4f,%.4f,%d,%s,%.3f,%.3f,%.3f,%.3f\n", desc.c_str(), size_gib,
                        params_b, r.threads, r.test.c_str(), r.mean, r.stddev, r.gbps, r.read_gbps);
        return;
    }
    if (opt.output == "json") {
        std::printf("[\n");
        for (size_t i = 0; i < results.size(); i++) {
            const result &r = results[i];
            std::printf(
                "  {\"model\": \"%s\", \"size_gib\": %.4f, \"params_b\": %.4f, \"threads\": %d, "
                "\"test\": \"%s\", \"tokens_per_s\": %.3f, \"stddev\": %.3f, \"gen_gbps\": %.3f, "
                "\"read_gbps\": %.3f}%s\n",
                desc.c_str(), size_gib, params_b, r.threads, r.test.c_str(), r.mean, r.stddev,
                r.gbps, r.read_gbps, i + 1 < results.size() ? "," : "");
        }
        std::printf("]\n");
        return;
    }
    std::printf("| model | size | params | threads | test | t/s | gen GB/s | read GB/s |\n");
    std::printf("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n");
    for (const result &r : results) {
        char bw[64] = "";
        if (r.gbps > 0)
            std::snprintf(bw, sizeof bw, "%.2f (%.0f%%)", r.gbps, 100.0 * r.gbps / r.read_gbps);
        std::printf("| %s | %.2f GiB | %.2f B | %d | %s | %.2f ± %.2f | %s | %.2f |\n",
                    desc.c_str(), size_gib, params_b, r.threads, r.test.c_str(), r.mean, r.stddev,
                    bw, r.read_gbps);
    }
}

} // namespace

int run_model_bench(const model_options &opt) {
    llama_model *model = nullptr;
    if (!opt.random_shape.empty()) {
        llama_model_shape shape;
        if (!llama_model_shape_preset(opt.random_shape.c_str(), &shape)) {
            std::fprintf(stderr, "bench: unknown shape '%s' (15M, 110M, 1.1B or 7B)\n",
                         opt.random_shape.c_str());
            return 1;
        }
        model = llama_model_random(shape, opt.random_type, 1234);
    } else {
        model = llama_model_load(opt.model.c_str());
    }
    if (!model) {
        std::fprintf(stderr, "bench: %s\n", llama_last_error());
        return 1;
    }
    char desc[256];
    llama_model_desc(model, desc, sizeof desc);
    const double size_gib = double(llama_model_size(model)) / double(1u << 30);
    const double params_b = double(llama_model_n_params(model)) * 1e-9;
    const double bytes_per_token = double(llama_model_bytes_per_token(model));
    std::fprintf(stderr, "bench: %s; %s, kernel level %s\n", desc, cpu_model().c_str(),
                 ggml_cpu_level_name(ggml_cpu_get_level()));

    // random tokens past the special ones, the same for every run
    std::mt19937 rng(42);
    std::uniform_int_distribution<llama_token> pick(3, llama_n_vocab(model) - 1);
    std::vector<llama_token> prompt(size_t(opt.n_prompt)), gen(size_t(opt.n_gen));
    for (auto &t : prompt) t = pick(rng);
    for (auto &t : gen) t = pick(rng);

    const read_probe probe;
    std::vector<result> results;
    int status = 0;
    for (size_t ti = 0; ti < opt.threads.size() && status == 0; ti++) {
        // the limit of this thread count's tests, taken just before them
        const double read = probe.best_gbps(opt.threads[ti], 3);
        llama_context_params cp = llama_context_default_params();
        cp.n_ctx = uint32_t(std::max(opt.n_prompt, opt.n_gen) + 1);
        cp.n_batch = uint32_t(std::max(opt.n_prompt, 1));
        cp.n_threads = opt.threads[ti];
        llama_context *ctx = llama_context_new(model, cp);
        if (!ctx) {
            std::fprintf(stderr, "bench: %s\n", llama_last_error());
            status = 1;
            break;
        }
        for (bool is_prompt : {true, false}) {
            const std::vector<llama_token> &tokens = is_prompt ? prompt : gen;
            if (tokens.empty()) continue;
            const std::vector<double> rates = run_test(ctx, tokens, is_prompt, opt.reps);
            if (rates.empty()) {
                std::fprintf(stderr, "bench: %s\n", llama_last_error());
                status = 1;
                break;
            }
            result r{(is_prompt ? "pp" : "tg") + std::to_string(tokens.size()),
                     opt.threads[ti],
                     0,
                     0,
                     0,
                     read};
            mean_stddev(rates, &r.mean, &r.stddev);
            if (!is_prompt) r.gbps = bytes_per_token * r.mean * 1e-9;
            results.push_back(r);
        }
        llama_context_free(ctx);
    }
    if (status == 0) print_results(opt, desc, size_gib, params_b, results);
    llama_model_free(model);
    return status;
}

} // namespace bench
