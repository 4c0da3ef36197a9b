#include "weight_rotation.h"

#include "gptq/layer_calibration.h"
#include "parallel_rows.h"
#include "walsh_hadamard.h"

#include <iterator>

namespace quantize {

void input_rotation::rotate_rows(float *rows, int64_t nrows) const {
    const auto n = int64_t(signs.size());
    for (int64_t r = 0; r < nrows; r++) ggml::rotate_blocks(rows + r * n, n, signs.data(), block);
}

void input_rotation::rotate_hessian(std::vector<double> *h) const {
    // the map on a row u is u R: on the rows of h it gives h R, and on the
    // rows of (h R)^T = R^T h, R^T h R
    const auto n = int64_t(signs.size());
    double *m = h->data();
    for (int pass = 0; pass < 2; pass++) {
        for (int64_t r = 0; r < n; r++) ggml::rotate_blocks(m + r * n, n, signs.data(), block);
        for (int64_t a = 0; a < n; a++)
            for (int64_t b = a + 1; b < n; b++) std::swap(m[a * n + b], m[b * n + a]);
    }
}

model_rotations::model_rotations(const llama::gguf_file &in, uint32_t seed, int64_t max_block)
    : seed_(seed), max_block_(max_block) {
    // LINEAR_GROUPS lists the inputs in llama::layer_input's order (a rotated
    // model's logits check it: tests/test_rotate.cpp)
    static_assert(std::size(LINEAR_GROUPS) == llama::N_LAYER_INPUTS);
    for (int il = 0; in.find_tensor(linear_weight_name(il, LINEAR_GROUPS[0].linears[0].second));
         il++) {
        for (size_t g = 0; g < std::size(LINEAR_GROUPS); g++) {
            const auto &linears = LINEAR_GROUPS[g].linears;
            const llama::gguf_tensor *first =
                in.find_tensor(linear_weight_name(il, linears[0].second));
            if (!first) continue;
            const int64_t n = first->ne[0];
            auto r = std::make_shared<input_rotation>();
            r->block = llama::rotation_block(n, max_block_, ROTATION_MAX_FACTOR);
            r->signs = llama::rotation_signs(seed, il, llama::layer_input(g), n);
            for (const auto &[member, name] : linears)
                if (in.find_tensor(linear_weight_name(il, name)))
                    by_weight_.emplace(linear_weight_name(il, name), r);
        }
    }
}

const input_rotation *model_rotations::of(std::string_view name) const {
    const auto it = by_weight_.find(name);
    return it == by_weight_.end() ? nullptr : it->second.get();
}

std::vector<added_key> model_rotations::keys() const {
    if (by_weight_.empty()) return {};
    return {{llama::schema::keys::ROTATION_SEED, seed_},
            {llama::schema::keys::ROTATION_BLOCK, uint32_t(max_block_)},
            {llama::schema::keys::ROTATION_FACTOR, uint32_t(ROTATION_MAX_FACTOR)}};
}

void rotating_quantizer::quantize(const float_rows &w, ggml_type type, void *dst,
                                  int n_threads) const {
    const input_rotation *r = rotations_.of(w.name);
    if (!r) return inner_.quantize(w, type, dst, n_threads);
    std::vector<float> rotated(w.data, w.data + w.nrows * w.n_per_row);
    parallel_rows(w.nrows, n_threads, [&](int64_t first, int64_t end) {
        r->rotate_rows(rotated.data() + first * w.n_per_row, end - first);
    });
    inner_.quantize({w.name, rotated.data(), w.nrows, w.n_per_row}, type, dst, n_threads);
}

} // namespace quantize
