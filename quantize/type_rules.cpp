#include "type_rules.h"

#include <string_view>

namespace quantize {

namespace {

// llama.cpp's llama_ftype values of the presets with rules of their own.
enum ftype : uint32_t {
    Q2_K = 10,
    Q3_K_S = 11,
    Q3_K_M = 12,
    Q3_K_L = 13,
    Q4_K_S = 14,
    Q4_K_M = 15,
    Q5_K_S = 16,
    Q5_K_M = 17,
    IQ4_NL = 25,
    IQ4_XS = 30,
};

// The roles llama.cpp tells apart by name (tensor_get_category).
enum class role {
    TOKEN_EMBD,
    OUTPUT,
    ATTN_Q,
    ATTN_K,
    ATTN_V,
    ATTN_QKV,
    ATTN_OUTPUT,
    FFN_DOWN,
    OTHER
};

role role_of(std::string_view name) {
    const auto has = [&](std::string_view part) { return name.find(part) != name.npos; };
    if (name == "output.weight") return role::OUTPUT;
    if (name == "token_embd.weight" || name == "per_layer_token_embd.weight")
        return role::TOKEN_EMBD;
    if (has("attn_qkv.weight")) return role::ATTN_QKV;
    // attn_kv_b (MLA) is value-like too
    if (has("attn_kv_b.weight") || has("attn_v.weight")) return role::ATTN_V;
    if (has("attn_k.weight")) return role::ATTN_K;
    if (has("attn_q.weight")) return role::ATTN_Q;
    if (has("attn_output.weight")) return role::ATTN_OUTPUT;
    if (has("ffn_down")) return role::FFN_DOWN;
    return role::OTHER;
}

// The layers that get more bits in the _M mixes: the first and last eighth
// and every third in between.
bool use_more_bits(int64_t i, int64_t n) {
    return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

// The counts the rules depend on, advanced tensor by tensor in llama.cpp's
// order.
struct rule_state {
    const file_type &f;
    const model_shape &m;
    int64_t n_attn_v = 0, i_attn_v = 0, i_ffn_down = 0;

    int64_t gqa() const { return m.n_head_kv ? m.n_head / m.n_head_kv : 0; }
    // llama.cpp's LLM_TYPE_70B, which gets attn_v Q5_K for its 8x shared values
    bool is_70b() const { return m.arch == "llama" && m.n_layer == 80 && m.n_head != m.n_head_kv; }

    ggml_type attn_v(ggml_type t) {
        const int64_t i = i_attn_v++;
        switch (f.id) {
        case Q2_K: t = gqa() >= 4 ? GGML_TYPE_Q4_K : GGML_TYPE_Q3_K; break;
        case Q3_K_M: t = i < 2 ? GGML_TYPE_Q5_K : GGML_TYPE_Q4_K; break;
        case Q3_K_L: t = GGML_TYPE_Q5_K; break;
        case IQ4_NL:
        case IQ4_XS:
            if (gqa() >= 4) t = GGML_TYPE_Q5_K;
            break;
        case Q4_K_M:
        case Q5_K_M:
            if (use_more_bits(i, n_attn_v)) t = GGML_TYPE_Q6_K;
            break;
        case Q4_K_S:
            if (i < 4) t = GGML_TYPE_Q5_K;
            break;
        default: break;
        }
        if (is_70b() && (t == GGML_TYPE_Q3_K || t == GGML_TYPE_Q4_K)) t = GGML_TYPE_Q5_K;
        return t;
    }

    ggml_type ffn_down(ggml_type t) {
        const int64_t i = i_ffn_down++, n = m.n_layer;
        switch (f.id) {
        case Q2_K: return GGML_TYPE_Q3_K;
        case Q3_K_M: return i < n / 16 ? GGML_TYPE_Q5_K : GGML_TYPE_Q4_K;
        case Q3_K_L: return GGML_TYPE_Q5_K;
        case Q4_K_M: return use_more_bits(i, n) ? GGML_TYPE_Q6_K : t;
        case IQ4_NL:
        case IQ4_XS: return i < n / 8 ? GGML_TYPE_Q5_K : t;
        case Q5_K_M: return use_more_bits(i, n) ? GGML_TYPE_Q6_K : t;
        case Q4_K_S: return i < n / 8 ? GGML_TYPE_Q5_K : t;
        default: return t;
        }
    }

    static ggml_type attn_output(uint32_t id, ggml_type t) {
        switch (id) {
        case Q2_K: return GGML_TYPE_Q3_K;
        case Q3_K_M: return GGML_TYPE_Q4_K;
        case Q3_K_L: return GGML_TYPE_Q5_K;
        default: return t;
        }
    }

    static ggml_type attn_qkv(uint32_t id, ggml_type t) {
        switch (id) {
        case Q3_K_M:
        case Q3_K_L: return GGML_TYPE_Q4_K;
        case Q4_K_M: return GGML_TYPE_Q5_K;
        case Q5_K_M: return GGML_TYPE_Q6_K;
        default: return t;
        }
    }

    ggml_type type_of(const weight_matrix &w) {
        const ggml_type t = f.type;
        const role r = role_of(w.name);
        // The output matrix (and a tied embedding, which is the output
        // too) is the most sensitive: 6 bits, or 8 where its rows do not
        // fit the preset's blocks.
        if (r == role::OUTPUT || (r == role::TOKEN_EMBD && !m.has_output)) {
            if (w.ne0 % ggml_blck_size(t) != 0) return GGML_TYPE_Q8_0;
            return t == GGML_TYPE_Q8_0 ? t : GGML_TYPE_Q6_K;
        }
        switch (r) {
        case role::ATTN_V: return attn_v(t);
        case role::FFN_DOWN: return ffn_down(t);
        case role::ATTN_OUTPUT: return attn_output(f.id, t);
        case role::ATTN_QKV: return attn_qkv(f.id, t);
        default: return t;
        }
    }
};

} // namespace

bool is_weight_matrix(const std::string &name, int n_dims, const int64_t *ne) {
    int dims = 0; // ggml_n_dims: up to the last dimension longer than 1
    for (int d = 0; d < n_dims; d++)
        if (ne[d] > 1) dims = d + 1;
    const std::string_view n = name;
    return dims >= 2 && n.ends_with("weight") && n.find("_norm.weight") == n.npos;
}

std::vector<ggml_type> preset_types(const file_type &f, const model_shape &m,
                                    const std::vector<weight_matrix> &weights, bool pure) {
    std::vector<ggml_type> types;
    rule_state state{f, m};
    for (const weight_matrix &w : weights) state.n_attn_v += role_of(w.name) == role::ATTN_V;
    for (const weight_matrix &w : weights) {
        // float presets and --pure: one type for all
        const bool mixed = ggml_is_quantized(f.type) && !pure;
        types.push_back(mixed ? state.type_of(w) : f.type);
    }
    return types;
}

} // namespace quantize
