// A context: the KV cache, the thread pool and the planner of one
// conversation, and the logits of its last evaluation.
#include "forward.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstring>
#include <memory>
#include <thread>

struct llama_context {
    const llama_model *model;
    llama_context_params params;
    llama::kv_cache kv;
    ggml_threadpool *pool = nullptr;
    ggml_planner *planner = nullptr;
    std::vector<uint8_t> graph_arena; // tensor headers and the graph of one batch
    std::vector<float> logits;        // [n_outputs][n_vocab]
    int32_t n_outputs = 0;
    llama_timings timings{};

    ~llama_context() {
        ggml_threadpool_free(pool);
        ggml_planner_free(planner);
    }
};

namespace {

using llama::c_api_call;
using llama::set_error;
using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

struct graph_context_deleter {
    void operator()(ggml_context *c) const { ggml_free(c); }
};

// Evaluates one batch (at most n_batch tokens) and appends its logits.
bool decode_batch(llama_context *ctx, const llama_token *tokens, int32_t n) {
    const llama_model &model = *ctx->model;
    const std::unique_ptr<ggml_context, graph_context_deleter> gctx(
        ggml_init({ctx->graph_arena.size(), ctx->graph_arena.data(), true}));
    if (!gctx) {
        set_error("llama_decode: out of memory");
        return false;
    }
    const llama::forward_graph fg =
        llama::build_forward(gctx.get(), model, ctx->kv, n, ctx->params.all_logits);
    if (!ggml_planner_alloc_graph(ctx->planner, fg.graph)) {
        set_error("cannot allocate memory for the compute graph");
        return false;
    }
    std::memcpy(fg.tokens->data, tokens, size_t(n) * sizeof(llama_token));
    auto *pos = static_cast<int32_t *>(fg.positions->data);
    for (int32_t i = 0; i < n; i++) pos[i] = ctx->kv.n_past + i;
    if (!ggml_graph_compute(fg.graph, ctx->pool)) {
        set_error("cannot allocate the kernels' scratch memory");
        return false;
    }
    const size_t n_out = size_t(fg.logits->ne[1]) * size_t(model.hp.n_vocab);
    const auto *out = static_cast<const float *>(fg.logits->data);
    ctx->logits.insert(ctx->logits.end(), out, out + n_out);
    ctx->n_outputs += int32_t(fg.logits->ne[1]);
    ctx->kv.n_past += n;
    return true;
}

// A context with the default n_ctx gets at most this many positions, as in
// llama.cpp: a model trained for millions would otherwise take gigabytes of
// KV cache nobody asked for.
constexpr uint32_t DEFAULT_N_CTX_MAX = 4096;

llama_context *new_context(llama_model *model, llama_context_params params) {
    if (!model) {
        set_error("llama_context_new: no model");
        return nullptr;
    }
    if (params.n_ctx == 0)
        params.n_ctx = std::min(uint32_t(model->hp.n_ctx_train), DEFAULT_N_CTX_MAX);
    constexpr int32_t MAX_THREADS = 512;
    if (params.n_batch == 0 || params.n_threads < 1 || params.n_threads > MAX_THREADS ||
        params.n_ctx > uint32_t(INT32_MAX) ||
        (params.kv_type != GGML_TYPE_F16 && params.kv_type != GGML_TYPE_F32)) {
        set_error("invalid context parameters (n_ctx < 2^31, n_batch >= 1, n_threads 1 to 512, "
                  "KV cache F16 or F32)");
        return nullptr;
    }
    params.n_batch = std::min(params.n_batch, params.n_ctx); // a batch never exceeds the context
    auto ctx = std::make_unique<llama_context>();
    ctx->model = model;
    ctx->params = params;
    std::string error;
    if (!ctx->kv.init(model->hp, params.n_ctx, params.kv_type, &error)) {
        set_error(std::move(error));
        return nullptr;
    }
    ctx->pool = ggml_threadpool_new(params.n_threads);
    if (!ctx->pool) {
        set_error("cannot start " + std::to_string(params.n_threads) + " threads");
        return nullptr;
    }
    ctx->planner = ggml_planner_new(true);
    if (!ctx->planner) throw std::bad_alloc();
    const size_t graph_size = llama::forward_graph_size(model->hp);
    ctx->graph_arena.resize(ggml_tensor_overhead() * graph_size + ggml_graph_overhead(graph_size));
    return ctx.release();
}

int32_t decode(llama_context *ctx, const llama_token *tokens, int32_t n_tokens) {
    const int32_t n_vocab = ctx->model->hp.n_vocab;
    if (n_tokens < 1) {
        set_error("llama_decode needs at least one token");
        return -1;
    }
    if (int64_t(ctx->kv.n_past) + n_tokens > int64_t(ctx->kv.n_ctx)) {
        set_error("context is full: " + std::to_string(ctx->kv.n_past) + " + " +
                  std::to_string(n_tokens) + " tokens do not fit in " +
                  std::to_string(ctx->kv.n_ctx) + " positions");
        return -1;
    }
    for (int32_t i = 0; i < n_tokens; i++) {
        if (tokens[i] < 0 || tokens[i] >= n_vocab) {
            set_error("token " + std::to_string(tokens[i]) + " is not in the vocabulary of " +
                      std::to_string(n_vocab));
            return -1;
        }
    }
    const auto t0 = clock_type::now();
    const int32_t n_past = ctx->kv.n_past;
    // as if the call had not been made: a retry puts the tokens at the same
    // positions
    auto undo = [&] {
        ctx->kv.n_past = n_past;
        ctx->logits.clear();
        ctx->n_outputs = 0;
    };
    ctx->logits.clear();
    ctx->n_outputs = 0;
    for (int32_t done = 0; done < n_tokens;) {
        const int32_t n = std::min<int32_t>(int32_t(ctx->params.n_batch), n_tokens - done);
        // without all_logits, only the very last batch's last position is kept
        if (!ctx->params.all_logits) {
            ctx->logits.clear();
            ctx->n_outputs = 0;
        }
        bool ok = false;
        try {
            ok = decode_batch(ctx, tokens + done, n);
        } catch (...) {
            undo();
            throw;
        }
        if (!ok) {
            undo();
            return -1;
        }
        done += n;
    }
    if (n_tokens > 1 || ctx->kv.n_past == n_tokens) { // a batch, or the first token
        ctx->timings.t_prompt_ms += ms_since(t0);
        ctx->timings.n_prompt += n_tokens;
    } else {
        ctx->timings.t_eval_ms += ms_since(t0);
        ctx->timings.n_eval += 1;
    }
    return 0;
}

} // namespace

llama_context_params llama_context_default_params(void) {
    llama_context_params p{};
    p.n_ctx = 0;
    p.n_batch = 512;
    p.n_threads = int32_t(std::max(1u, std::thread::hardware_concurrency()));
    p.kv_type = GGML_TYPE_F16;
    p.all_logits = false;
    return p;
}

llama_context *llama_context_new(llama_model *model, llama_context_params params) {
    return c_api_call("llama_context_new", static_cast<llama_context *>(nullptr),
                      [&] { return new_context(model, params); });
}

void llama_context_free(llama_context *ctx) { delete ctx; }

uint32_t llama_n_ctx(const llama_context *ctx) { return ctx->kv.n_ctx; }

int32_t llama_decode(llama_context *ctx, const llama_token *tokens, int32_t n_tokens) {
    return c_api_call("llama_decode", -1, [&] { return decode(ctx, tokens, n_tokens); });
}

int32_t llama_n_past(const llama_context *ctx) { return ctx->kv.n_past; }

void llama_kv_clear(llama_context *ctx) { ctx->kv.n_past = 0; }

void llama_kv_keep(llama_context *ctx, int32_t n_keep) {
    ctx->kv.n_past = std::clamp(n_keep, 0, ctx->kv.n_past);
}

const float *llama_get_logits(const llama_context *ctx) {
    if (ctx->n_outputs == 0) return nullptr;
    return ctx->logits.data() + size_t(ctx->n_outputs - 1) * size_t(ctx->model->hp.n_vocab);
}

const float *llama_get_logits_ith(const llama_context *ctx, int32_t i) {
    if (i < 0 || i >= ctx->n_outputs) return nullptr;
    return ctx->logits.data() + size_t(i) * size_t(ctx->model->hp.n_vocab);
}

llama_timings llama_get_timings(const llama_context *ctx) {
    llama_timings t = ctx->timings;
    t.t_load_ms = ctx->model->t_load_ms;
    return t;
}
