// The llama forward pass, step by step as llama2.c's forward() reads, built
// as a graph over a batch of n tokens. Shapes in comments use ggml's order
// (fastest dimension first); n is the number of tokens in the batch.
#include "forward.h"

#include <cmath>
#include <vector>

namespace llama {

namespace {

struct builder {
    ggml_context *ctx;
    ggml_cgraph *graph;
    const hparams &hp;
    const kv_cache &kv;
    int32_t n;      // tokens in the batch
    int32_t n_past; // positions already in the cache
    ggml_tensor *positions;
    // x rotated by signs or gathered by a perm, per (x, signs or perm): q, k
    // and v (gate and up) read one input, and usually through one rotation
    // and one perm, which then run once
    struct transformed {
        ggml_tensor *x, *by, *result;
    };
    std::vector<transformed> transforms = {};
    // what the linear layers of the last layer built read, for calibration
    linear_inputs inputs = {};

    ggml_tensor *named(ggml_tensor *t, const char *name, int il) const {
        return il < 0 ? ggml_set_name(t, name) : ggml_format_name(t, "%s.%d", name, il);
    }

    // op(ctx, x, by), or the same node built already
    template <typename Op> ggml_tensor *once(Op op, ggml_tensor *x, ggml_tensor *by) {
        for (const transformed &t : transforms)
            if (t.x == x && t.by == by) return t.result;
        ggml_tensor *result = op(ctx, x, by);
        transforms.push_back({x, by, result});
        return result;
    }

    // w x (+ b), x first rotated as the weight was (its signs), then
    // gathered into the weight's input order (its perm), if it has them
    ggml_tensor *linear(const llama::linear &w, ggml_tensor *x) {
        if (w.input_signs) x = once(ggml_hadamard, x, w.input_signs);
        if (w.input_perm) x = once(ggml_get_cols, x, w.input_perm);
        ggml_tensor *y = ggml_mul_mat(ctx, w.weight, x);
        return w.bias ? ggml_add(ctx, y, w.bias) : y;
    }

    // x / rms(x) * weight
    ggml_tensor *rms_norm(ggml_tensor *x, ggml_tensor *weight) const {
        return ggml_mul(ctx, ggml_rms_norm(ctx, x, hp.rms_eps), weight);
    }

    // Multi-head attention of x [n_embd, n] over the cache and the batch.
    ggml_tensor *attention(const layer &l, ggml_tensor *x, int il) {
        const int64_t hd = hp.head_dim(), n_kv = n_past + n;

        // q, k, v for the batch; q and k rotated by their positions
        ggml_tensor *q = linear(l.wq, x); // [n_embd, n]
        ggml_tensor *k = linear(l.wk, x); // [n_embd_kv, n]
        ggml_tensor *v = linear(l.wv, x); // [n_embd_kv, n]
        q = ggml_rope(ctx, ggml_reshape_3d(ctx, q, hd, hp.n_head, n), positions, hp.n_rot,
                      hp.rope_freq_base); // [hd, n_head, n]
        k = ggml_rope(ctx, ggml_reshape_3d(ctx, k, hd, hp.n_head_kv, n), positions, hp.n_rot,
                      hp.rope_freq_base); // [hd, n_head_kv, n]
        named(q, "q", il);
        named(k, "k", il);

        // append k and v at positions n_past.. of the cache; the writes go
        // into the graph first, so they run before the reads below
        ggml_tensor *k_cache = kv.k[size_t(il)], *v_cache = kv.v[size_t(il)];
        const size_t row = v_cache->nb[1], el = ggml_type_size(v_cache->type);
        ggml_build_forward_expand(graph, ggml_store_keys(ctx, k, k_cache, int(n_past)));
        ggml_build_forward_expand(
            graph, ggml_cpy(ctx, ggml_reshape_2d(ctx, v, hp.n_embd_kv(), n),
                            ggml_view_2d(ctx, v_cache, hp.n_embd_kv(), n, row, n_past * row)));

        // each query against every key so far, weighing the values: [hd, n_head, n];
        // query head h reads kv head h / (n_head / n_head_kv)
        ggml_tensor *values = ggml_view_3d(ctx, v_cache, hd, n_kv, hp.n_head_kv, row, hd * el, 0);
        ggml_tensor *out =
            ggml_attention(ctx, q, k_cache, values, 1.0f / std::sqrt(float(hd)), int(n_past));

        // heads side by side, then the output projection
        inputs.attn_output = ggml_reshape_2d(ctx, out, hp.n_embd, n);
        return linear(l.wo, inputs.attn_output);
    }

    // w_down(silu(w_gate x) * (w_up x))
    ggml_tensor *swiglu_ffn(const layer &l, ggml_tensor *x, int il) {
        ggml_tensor *gate = linear(l.w_gate, x); // [n_ff, n]
        ggml_tensor *up = linear(l.w_up, x);     // [n_ff, n]
        inputs.ffn_down = named(ggml_swiglu(ctx, gate, up), "ffn_hidden", il);
        return linear(l.w_down, inputs.ffn_down);
    }

    // One transformer layer on the residual stream x [n_embd, n]
    ggml_tensor *transformer_layer(const layer &l, ggml_tensor *x, int il) {
        inputs.attn = rms_norm(x, l.attn_norm);
        x = ggml_add(ctx, x, attention(l, inputs.attn, il));
        inputs.ffn = rms_norm(x, l.ffn_norm);
        return named(ggml_add(ctx, x, swiglu_ffn(l, inputs.ffn, il)), "residual", il);
    }
};

} // namespace

forward_graph build_forward(ggml_context *ctx, const llama_model &model, const kv_cache &kv,
                            int32_t n_tokens, bool all_logits) {
    forward_graph fg{};
    fg.graph = ggml_new_graph_custom(ctx, forward_graph_size(model.hp));
    fg.tokens = ggml_set_name(ggml_new_tensor_1d(ctx, GGML_TYPE_I32, n_tokens), "tokens");
    fg.positions = ggml_set_name(ggml_new_tensor_1d(ctx, GGML_TYPE_I32, n_tokens), "positions");
    ggml_set_input(fg.tokens);
    ggml_set_input(fg.positions);
    builder b{ctx, fg.graph, model.hp, kv, n_tokens, kv.n_past, fg.positions};

    ggml_tensor *x = b.named(ggml_get_rows(ctx, model.tok_embd, fg.tokens), "embedding", -1);
    for (int il = 0; il < model.hp.n_layer; il++)
        x = b.transformer_layer(model.layers[size_t(il)], x, il);
    if (!all_logits && n_tokens > 1) // only the last position's logits are wanted
        x = ggml_view_2d(ctx, x, model.hp.n_embd, 1, x->nb[1], size_t(n_tokens - 1) * x->nb[1]);
    x = b.rms_norm(x, model.output_norm);
    fg.logits = ggml_set_name(b.linear(model.output, x), "logits");
    ggml_set_output(fg.logits);
    ggml_build_forward_expand(fg.graph, fg.logits);
    return fg;
}

layer_graph build_layer(ggml_context *ctx, const hparams &hp, const layer &l, int il,
                        const kv_cache &kv, int32_t n_tokens) {
    layer_graph lg{};
    lg.graph = ggml_new_graph_custom(ctx, layer_graph_size());
    lg.input = ggml_set_name(ggml_new_tensor_2d(ctx, GGML_TYPE_F32, hp.n_embd, n_tokens), "input");
    lg.positions = ggml_set_name(ggml_new_tensor_1d(ctx, GGML_TYPE_I32, n_tokens), "positions");
    ggml_set_input(lg.input);
    ggml_set_input(lg.positions);
    builder b{ctx, lg.graph, hp, kv, n_tokens, kv.n_past, lg.positions};
    lg.output = b.transformer_layer(l, lg.input, il);
    lg.inputs = b.inputs;
    return lg;
}

} // namespace llama
