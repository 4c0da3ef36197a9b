// Rotary position embedding on adjacent pairs (x[2i], x[2i+1]), the order of
// llama2.c and of GGUF llama models; angles computed as llama2.c does.
#include "cpu/ops.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ggml::cpu {

namespace {

// cos and sin of every token's angles, per thread, kept between calls: each
// layer ropes q and k at the same positions, so a batch's angles are
// computed once, not twice a layer. Rows are filled on first use.
struct angle_table {
    std::vector<int32_t> pos;
    int n_dims = 0;
    float freq_base = 0.0f;
    std::vector<float> cos_sin; // n_dims a token
    std::vector<bool> filled;

    // for a call at these positions: kept if they are the last call's
    void use(const int32_t *positions, int64_t n_tokens, int dims, float base) {
        if (dims == n_dims && base == freq_base && int64_t(pos.size()) == n_tokens &&
            std::equal(pos.begin(), pos.end(), positions))
            return;
        pos.assign(positions, positions + n_tokens);
        n_dims = dims;
        freq_base = base;
        cos_sin.resize(size_t(n_tokens * dims));
        filled.assign(size_t(n_tokens), false);
    }
    const float *row(int64_t token) {
        float *cs = cos_sin.data() + token * n_dims;
        if (!filled[size_t(token)]) {
            for (int i = 0; i < n_dims; i += 2) { // as llama2.c computes them
                const float freq = 1.0f / std::pow(freq_base, float(i) / float(n_dims));
                const float angle = float(pos[size_t(token)]) * freq;
                cs[i] = std::cos(angle);
                cs[i + 1] = std::sin(angle);
            }
            filled[size_t(token)] = true;
        }
        return cs;
    }
};

} // namespace

void forward_rope(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const auto *pos = static_cast<const int32_t *>(dst->src[1]->data);
    const int n_dims = dst->op_params[0];
    const float freq_base = param_f32(dst, 1);
    const int64_t head_dim = a->ne[0];
    thread_local angle_table angles;
    angles.use(pos, a->ne[2], n_dims, freq_base);
    const auto [begin, end] = split_rows(ggml_nrows(dst), p); // one row per (head, token)
    for (int64_t r = begin; r < end; r++) {
        const int64_t token = (r / a->ne[1]) % a->ne[2];
        const float *cos_sin = angles.row(token);
        const auto *x = reinterpret_cast<const float *>(row_ptr(a, r));
        auto *out = reinterpret_cast<float *>(row_ptr(dst, r));
        for (int i = 0; i < n_dims; i += 2) {
            const float c = cos_sin[i], s = cos_sin[i + 1];
            const float x0 = x[i], x1 = x[i + 1];
            out[i] = x0 * c - x1 * s;
            out[i + 1] = x0 * s + x1 * c;
        }
        for (int64_t i = n_dims; i < head_dim; i++) out[i] = x[i];
    }
}

} // namespace ggml::cpu
