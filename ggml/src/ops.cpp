// Op constructors: check shapes and types, record sources and parameters.
// The arithmetic lives in cpu/.
#include "formats/traits.h"
#include "internal.h"
#include "walsh_hadamard.h"

#include <algorithm>
#include <new>

#include <cstring>

namespace {

ggml_tensor *result_like(ggml_context *ctx, const ggml_tensor *a, ggml_type type, ggml_op op) {
    return ggml_new_result(ctx, type, GGML_MAX_DIMS, a->ne, op);
}

void set_param_f32(ggml_tensor *t, int i, float v) { std::memcpy(&t->op_params[i], &v, sizeof v); }

void expect_f32(const ggml_tensor *t, const char *op) {
    GGML_ASSERT(t->type == GGML_TYPE_F32, "%s needs F32, '%s' is %s", op, t->name,
                ggml_type_name(t->type));
}

void expect_rows_contiguous(const ggml_tensor *t, const char *op) {
    GGML_ASSERT(t->nb[0] == ggml_type_size(t->type) || t->ne[0] == 1,
                "%s needs rows that are contiguous in memory ('%s')", op, t->name);
}

// A cache of key blocks of head size hd and kv heads (ggml.h): rows of
// GGML_KEY_BLOCK elements, blocks whole.
void expect_key_cache(const ggml_tensor *k, int64_t hd, int64_t heads, const char *op) {
    const size_t el = ggml_type_size(k->type);
    GGML_ASSERT(k->ne[0] == GGML_KEY_BLOCK && k->ne[1] == hd && k->ne[2] == heads &&
                    k->nb[0] == el && k->nb[1] == GGML_KEY_BLOCK * el &&
                    k->nb[2] == size_t(GGML_KEY_BLOCK * hd) * el,
                "%s: '%s' must be a cache of key blocks [%d, %lld, %lld, n_blocks]", op, k->name,
                GGML_KEY_BLOCK, (long long)hd, (long long)heads);
}

bool can_broadcast(const ggml_tensor *a, const ggml_tensor *b) {
    for (int i = 0; i < GGML_MAX_DIMS; i++)
        if (b->ne[i] == 0 || a->ne[i] % b->ne[i] != 0) return false;
    return true;
}

ggml_tensor *binary(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b, ggml_op op,
                    const char *name) {
    expect_f32(a, name);
    expect_f32(b, name);
    GGML_ASSERT(can_broadcast(a, b), "%s: '%s' does not broadcast over '%s'", name, b->name,
                a->name);
    ggml_tensor *t = result_like(ctx, a, GGML_TYPE_F32, op);
    t->src[0] = a;
    t->src[1] = b;
    return t;
}

ggml_tensor *unary(ggml_context *ctx, ggml_tensor *a, ggml_op op, const char *name) {
    expect_f32(a, name);
    expect_rows_contiguous(a, name);
    ggml_tensor *t = result_like(ctx, a, GGML_TYPE_F32, op);
    t->src[0] = a;
    return t;
}

bool is_float(ggml_type type) { return type == GGML_TYPE_F32 || type == GGML_TYPE_F16; }

} // namespace

ggml_tensor *ggml_cpy(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b) {
    GGML_ASSERT(ggml_nelements(a) == ggml_nelements(b), "cpy: '%s' and '%s' differ in size",
                a->name, b->name);
    GGML_ASSERT(is_float(a->type) && is_float(b->type), "cpy converts between F32 and F16 only");
    // the result is b's memory, with the copy recorded as the op that fills it
    ggml_tensor *t = ggml_view_4d(ctx, b, b->ne[0], b->ne[1], b->ne[2], b->ne[3], b->nb[1],
                                  b->nb[2], b->nb[3], 0);
    t->op = GGML_OP_CPY;
    t->src[0] = a;
    t->src[1] = b;
    ggml_format_name(t, "%s (copy of %s)", b->name, a->name);
    return t;
}

ggml_tensor *ggml_cont(ggml_context *ctx, ggml_tensor *a) {
    GGML_ASSERT(!ggml_is_quantized(a->type) && a->type != GGML_TYPE_I32,
                "cont copies F32 or F16 tensors");
    ggml_tensor *t = result_like(ctx, a, a->type, GGML_OP_CONT);
    t->src[0] = a;
    return t;
}

namespace {

// The rows of a as type, each first mapped by the op of a node that is then
// not computed: a ggml_hadamard (a rotated by its signs b) or a ggml_swiglu
// (silu(a) * b); GGML_OP_NONE maps nothing. One node per (a, b, map, type).
ggml_tensor *quantize_node(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b, ggml_op map,
                           ggml_type type) {
    GGML_ASSERT(ggml::traits_of(type).quantize_row_ref != nullptr, "quantize: %s has no quantizer",
                ggml_type_name(type));
    expect_f32(a, "quantize");
    expect_rows_contiguous(a, "quantize");
    GGML_ASSERT(a->ne[0] % ggml_blck_size(type) == 0, "quantize: rows of %lld do not fit %s blocks",
                (long long)a->ne[0], ggml_type_name(type));
    for (const ggml_context::quantized_node *q = ctx->quantized; q; q = q->next)
        if (q->tensor->src[0] == a && q->tensor->src[1] == b && q->tensor->op_params[0] == map &&
            q->tensor->type == type)
            return q->tensor;
    ggml_tensor *t = result_like(ctx, a, type, GGML_OP_QUANTIZE);
    t->src[0] = a;
    t->src[1] = b;
    t->op_params[0] = map;
    ggml_format_name(t,
                     map == GGML_OP_HADAMARD ? "%s (rotated, %s)"
                     : map == GGML_OP_SWIGLU ? "%s (gated, %s)"
                                             : "%s (%s)",
                     a->name, ggml_type_name(type));
    ctx->quantized = new (ggml::arena_alloc(ctx, sizeof(ggml_context::quantized_node),
                                            alignof(ggml_context::quantized_node)))
        ggml_context::quantized_node{t, ctx->quantized};
    return t;
}

} // namespace

ggml_tensor *ggml_quantize(ggml_context *ctx, ggml_tensor *a, ggml_type type) {
    return quantize_node(ctx, a, nullptr, GGML_OP_NONE, type);
}

ggml_tensor *ggml_add(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b) {
    return binary(ctx, a, b, GGML_OP_ADD, "add");
}

ggml_tensor *ggml_mul(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b) {
    return binary(ctx, a, b, GGML_OP_MUL, "mul");
}

ggml_tensor *ggml_scale(ggml_context *ctx, ggml_tensor *a, float s) {
    ggml_tensor *t = unary(ctx, a, GGML_OP_SCALE, "scale");
    set_param_f32(t, 0, s);
    return t;
}

ggml_tensor *ggml_silu(ggml_context *ctx, ggml_tensor *a) {
    return unary(ctx, a, GGML_OP_SILU, "silu");
}

ggml_tensor *ggml_swiglu(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b) {
    GGML_ASSERT(ggml_are_same_shape(a, b), "swiglu: '%s' and '%s' differ in shape", a->name,
                b->name);
    expect_f32(b, "swiglu");
    expect_rows_contiguous(b, "swiglu");
    ggml_tensor *t = unary(ctx, a, GGML_OP_SWIGLU, "swiglu");
    t->src[1] = b;
    return t;
}

ggml_tensor *ggml_rms_norm(ggml_context *ctx, ggml_tensor *a, float eps) {
    ggml_tensor *t = unary(ctx, a, GGML_OP_RMS_NORM, "rms_norm");
    set_param_f32(t, 0, eps);
    return t;
}

ggml_tensor *ggml_rope(ggml_context *ctx, ggml_tensor *a, ggml_tensor *pos, int n_dims,
                       float freq_base) {
    GGML_ASSERT(pos->type == GGML_TYPE_I32 && ggml_nelements(pos) == a->ne[2],
                "rope: positions must be I32, one per token (dim 2 of '%s')", a->name);
    GGML_ASSERT(n_dims > 0 && n_dims % 2 == 0 && n_dims <= a->ne[0],
                "rope: n_dims %d must be even and at most the head size %lld", n_dims,
                (long long)a->ne[0]);
    ggml_tensor *t = unary(ctx, a, GGML_OP_ROPE, "rope");
    t->src[1] = pos;
    t->op_params[0] = n_dims;
    set_param_f32(t, 1, freq_base);
    return t;
}

ggml_tensor *ggml_soft_max(ggml_context *ctx, ggml_tensor *a, float scale, bool causal,
                           int n_past) {
    ggml_tensor *t = unary(ctx, a, GGML_OP_SOFT_MAX, "soft_max");
    set_param_f32(t, 0, scale);
    t->op_params[1] = causal ? 1 : 0;
    t->op_params[2] = n_past;
    return t;
}

ggml_tensor *ggml_get_rows(ggml_context *ctx, ggml_tensor *a, ggml_tensor *idx) {
    GGML_ASSERT(idx->type == GGML_TYPE_I32 && ggml_n_dims(idx) == 1,
                "get_rows: indices must be a 1-d I32 tensor");
    GGML_ASSERT(a->type != GGML_TYPE_I32 && ggml_n_dims(a) <= 2, "get_rows: '%s' is not a matrix",
                a->name);
    expect_rows_contiguous(a, "get_rows"); // rows are decoded as contiguous blocks
    const int64_t ne[] = {a->ne[0], idx->ne[0]};
    ggml_tensor *t = ggml_new_result(ctx, GGML_TYPE_F32, 2, ne, GGML_OP_GET_ROWS);
    t->src[0] = a;
    t->src[1] = idx;
    return t;
}

ggml_tensor *ggml_get_cols(ggml_context *ctx, ggml_tensor *a, ggml_tensor *idx) {
    GGML_ASSERT(idx->type == GGML_TYPE_I32 && ggml_n_dims(idx) == 1,
                "get_cols: indices must be a 1-d I32 tensor");
    expect_f32(a, "get_cols");
    const int64_t ne[] = {idx->ne[0], a->ne[1], a->ne[2], a->ne[3]};
    ggml_tensor *t = ggml_new_result(ctx, GGML_TYPE_F32, 4, ne, GGML_OP_GET_COLS);
    t->src[0] = a;
    t->src[1] = idx;
    return t;
}

ggml_tensor *ggml_hadamard(ggml_context *ctx, ggml_tensor *a, ggml_tensor *signs) {
    const int64_t b = signs->ne[0];
    GGML_ASSERT(signs->type == GGML_TYPE_I32 && ggml_n_dims(signs) <= 2 &&
                    ggml_is_contiguous(signs),
                "hadamard: the signs '%s' must be a contiguous I32 matrix", signs->name);
    GGML_ASSERT(ggml::hadamard_factor(b) > 0,
                "hadamard: no Hadamard matrix of order %lld here (a power of two, or one times "
                "a Paley order up to %lld)",
                (long long)b, (long long)ggml::HADAMARD_MAX_FACTOR);
    GGML_ASSERT(b * signs->ne[1] == a->ne[0], "hadamard: signs for %lld inputs, '%s' has %lld",
                (long long)(b * signs->ne[1]), a->name, (long long)a->ne[0]);
    ggml_tensor *t = unary(ctx, a, GGML_OP_HADAMARD, "hadamard");
    t->src[1] = signs;
    return t;
}

int64_t ggml_hadamard_factor(int64_t b) { return ggml::hadamard_factor(b); }

ggml_tensor *ggml_mul_mat(ggml_context *ctx, ggml_tensor *a, ggml_tensor *b) {
    GGML_ASSERT(a->ne[0] == b->ne[0], "mul_mat: rows of '%s' (%lld) and '%s' (%lld) differ",
                a->name, (long long)a->ne[0], b->name, (long long)b->ne[0]);
    GGML_ASSERT(b->ne[2] % a->ne[2] == 0 && b->ne[3] % a->ne[3] == 0,
                "mul_mat: '%s' does not broadcast over '%s'", a->name, b->name);
    expect_rows_contiguous(a, "mul_mat");
    const ggml::format_kernels *scalar = ggml::traits_of(a->type).kernels[0];
    GGML_ASSERT(scalar && scalar->vec_dot, "mul_mat: %s cannot be a weight",
                ggml_type_name(a->type));
    expect_f32(b, "mul_mat");
    const ggml_type vec_dot_type = ggml_vec_dot_type(a->type);
    if (vec_dot_type != GGML_TYPE_F32 && !ggml::mul_mat_uses_blas(a, b)) {
        // a rotated or gated input is rotated or gated as it is converted:
        // that op's own node, its pass over the rows and its barrier drop out
        // of the graph
        b = b->op == GGML_OP_HADAMARD || b->op == GGML_OP_SWIGLU
                ? quantize_node(ctx, b->src[0], b->src[1], b->op, vec_dot_type)
                : ggml_quantize(ctx, b, vec_dot_type);
    } else {
        expect_rows_contiguous(b, "mul_mat");
    }
    const int64_t ne[] = {a->ne[1], b->ne[1], b->ne[2], b->ne[3]};
    ggml_tensor *t = ggml_new_result(ctx, GGML_TYPE_F32, 4, ne, GGML_OP_MUL_MAT);
    t->src[0] = a;
    t->src[1] = b;
    return t;
}

ggml_tensor *ggml_store_keys(ggml_context *ctx, ggml_tensor *k, ggml_tensor *cache, int n_past) {
    expect_f32(k, "store_keys");
    expect_rows_contiguous(k, "store_keys");
    GGML_ASSERT(is_float(cache->type), "store_keys: '%s' must be F16 or F32", cache->name);
    expect_key_cache(cache, k->ne[0], k->ne[1], "store_keys");
    GGML_ASSERT(k->ne[3] == 1 && n_past >= 0 && n_past + k->ne[2] <= cache->ne[3] * GGML_KEY_BLOCK,
                "store_keys: %d past and %lld new positions do not fit %lld keys", n_past,
                (long long)k->ne[2], (long long)(cache->ne[3] * GGML_KEY_BLOCK));
    // the result is the blocks written, from the one holding position n_past
    const int64_t first = n_past / GGML_KEY_BLOCK;
    const int64_t last = (n_past + k->ne[2] - 1) / GGML_KEY_BLOCK;
    ggml_tensor *t =
        ggml_view_4d(ctx, cache, cache->ne[0], cache->ne[1], cache->ne[2], last - first + 1,
                     cache->nb[1], cache->nb[2], cache->nb[3], size_t(first) * cache->nb[3]);
    t->op = GGML_OP_STORE_KEYS;
    t->src[0] = k;
    t->op_params[0] = n_past % GGML_KEY_BLOCK; // the first key's position in its block
    ggml_format_name(t, "%s (keys from %s)", cache->name, k->name);
    return t;
}

ggml_tensor *ggml_attention(ggml_context *ctx, ggml_tensor *q, ggml_tensor *k, ggml_tensor *v,
                            float scale, int n_past) {
    expect_f32(q, "attention");
    expect_rows_contiguous(q, "attention");
    GGML_ASSERT(is_float(k->type) && k->type == v->type,
                "attention: keys and values must both be F16 or F32 ('%s', '%s')", k->name,
                v->name);
    expect_rows_contiguous(v, "attention");
    GGML_ASSERT(v->ne[0] == q->ne[0] && v->ne[3] == 1 && q->ne[3] == 1,
                "attention: '%s' must be [head size, n_kv, kv heads] like the queries", v->name);
    GGML_ASSERT(v->ne[2] > 0 && q->ne[1] % v->ne[2] == 0,
                "attention: %lld query heads do not share %lld kv heads evenly",
                (long long)q->ne[1], (long long)v->ne[2]);
    expect_key_cache(k, q->ne[0], v->ne[2], "attention");
    const int64_t n_kv = std::min(v->ne[1], k->ne[3] * GGML_KEY_BLOCK);
    GGML_ASSERT(n_past >= 0 && n_past + q->ne[2] <= n_kv,
                "attention: %d past and %lld new positions do not fit %lld keys", n_past,
                (long long)q->ne[2], (long long)n_kv);
    ggml_tensor *t = ggml_new_result(ctx, GGML_TYPE_F32, 3, q->ne, GGML_OP_ATTENTION);
    t->src[0] = q;
    t->src[1] = k;
    t->src[2] = v;
    set_param_f32(t, 0, scale);
    t->op_params[1] = n_past;
    return t;
}
