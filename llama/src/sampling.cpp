// Choosing the next token from the logits: greedy, or a random draw after
// the repeat penalty, top-k, top-p, min-p and temperature (applied in that
// order, as llama.cpp's default chain does).
#include "llama.h"
#include "model.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <numeric>
#include <random>
#include <vector>

struct llama_sampler {
    llama_sampler_params params;
    std::mt19937 rng;
    std::deque<llama_token> recent; // the last repeat_last_n tokens
    std::vector<float> logits;      // scratch: penalized copy
    std::vector<int32_t> ids;       // scratch: candidates
};

namespace {

// Divides positive logits and multiplies negative ones by the penalty for
// every token seen recently, so a repeated token always becomes less likely.
void apply_repeat_penalty(llama_sampler &s) {
    // <= 0 would make repeats certain (or NaN), not penalised: treated as off
    if (s.params.repeat_penalty == 1.0f || !(s.params.repeat_penalty > 0.0f)) return;
    std::vector<llama_token> seen(s.recent.begin(), s.recent.end());
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    for (llama_token t : seen) {
        if (t < 0 || size_t(t) >= s.logits.size()) continue;
        float &l = s.logits[size_t(t)];
        l = l > 0.0f ? l / s.params.repeat_penalty : l * s.params.repeat_penalty;
    }
}

llama_token argmax(const std::vector<float> &logits) {
    return llama_token(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

// The body of llama_sampler_sample.
llama_token sample(llama_sampler *s, const float *logits, int32_t n_vocab) {
    s->logits.assign(logits, logits + n_vocab);
    apply_repeat_penalty(*s);
    if (s->params.temp <= 0.0f) return argmax(s->logits);

    // candidates by decreasing logit, cut by top-k
    s->ids.resize(size_t(n_vocab));
    std::iota(s->ids.begin(), s->ids.end(), 0);
    size_t n = size_t(n_vocab);
    if (s->params.top_k > 0) n = std::min(n, size_t(s->params.top_k));
    auto by_logit = [&](int32_t a, int32_t b) {
        return s->logits[size_t(a)] > s->logits[size_t(b)];
    };
    std::partial_sort(s->ids.begin(), s->ids.begin() + ptrdiff_t(n), s->ids.end(), by_logit);

    // probabilities of the candidates (before temperature, as llama.cpp's
    // top-p and min-p see them)
    std::vector<double> p(n);
    const double max = s->logits[size_t(s->ids[0])];
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) sum += p[i] = std::exp(s->logits[size_t(s->ids[i])] - max);
    // top-p: the smallest head whose probability reaches top_p
    if (s->params.top_p < 1.0f) {
        double acc = 0.0;
        for (size_t i = 0; i < n; i++) {
            acc += p[i] / sum;
            if (acc >= s->params.top_p) {
                n = i + 1;
                break;
            }
        }
    }
    // min-p: drop tokens less likely than min_p times the most likely one
    if (s->params.min_p > 0.0f) {
        size_t keep = 1;
        while (keep < n && p[keep] >= s->params.min_p * p[0]) keep++;
        n = keep;
    }
    // temperature, then draw
    std::vector<double> w(n);
    for (size_t i = 0; i < n; i++)
        w[i] = std::exp((s->logits[size_t(s->ids[i])] - max) / s->params.temp);
    std::discrete_distribution<size_t> pick(w.begin(), w.end());
    return s->ids[pick(s->rng)];
}

} // namespace

llama_sampler_params llama_sampler_default_params(void) {
    llama_sampler_params p{};
    p.temp = 0.8f;
    p.top_k = 40;
    p.top_p = 0.95f;
    p.min_p = 0.05f;
    p.repeat_penalty = 1.0f;
    p.repeat_last_n = 64;
    p.seed = 0xC0FFEE;
    return p;
}

llama_sampler *llama_sampler_new(llama_sampler_params params) {
    return llama::c_api_call("llama_sampler_new", static_cast<llama_sampler *>(nullptr), [&] {
        auto *s = new llama_sampler{};
        s->params = params;
        s->rng.seed(params.seed);
        return s;
    });
}

void llama_sampler_free(llama_sampler *smpl) { delete smpl; }

void llama_sampler_accept(llama_sampler *s, llama_token token) {
    if (s->params.repeat_last_n <= 0) return;
    llama::c_api_call("llama_sampler_accept", false, [&] {
        s->recent.push_back(token);
        while (s->recent.size() > size_t(s->params.repeat_last_n)) s->recent.pop_front();
        return true;
    });
}

llama_token llama_sampler_sample(llama_sampler *s, const float *logits, int32_t n_vocab) {
    if (!logits || n_vocab <= 0) {
        llama::set_error("llama_sampler_sample: no logits to sample from");
        return -1;
    }
    return llama::c_api_call("llama_sampler_sample", llama_token(-1),
                             [&] { return sample(s, logits, n_vocab); });
}
