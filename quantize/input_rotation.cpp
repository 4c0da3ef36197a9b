#include "input_rotation.h"

#include "gptq/layer_calibration.h"
#include "parallel_rows.h"
#include "walsh_hadamard.h"

#include <random>

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

int64_t rotation_block(int64_t n) {
    int64_t b = 1;
    while (b < 64 && n % (2 * b) == 0) b *= 2;
    return b;
}

model_rotations::model_rotations(const llama::gguf_file &in, uint64_t seed) {
    std::mt19937_64 bits(seed); // the same numbers on every platform
    for (int il = 0; in.find_tensor(linear_weight_name(il, LINEAR_GROUPS[0].linears[0].second));
         il++) {
        for (const linear_group &g : LINEAR_GROUPS) {
            const llama::gguf_tensor *first =
                in.find_tensor(linear_weight_name(il, g.linears[0].second));
            if (!first) continue;
            const int64_t n = first->ne[0];
            auto r = std::make_shared<input_rotation>();
            r->block = rotation_block(n);
            r->signs.resize(size_t(n));
            for (int32_t &s : r->signs) s = (bits() >> 63) ? -1 : 1;
            for (const auto &[member, name] : g.linears)
                if (in.find_tensor(linear_weight_name(il, name)))
                    by_weight_.emplace(linear_weight_name(il, name), r);
        }
    }
}

const input_rotation *model_rotations::of(std::string_view name) const {
    const auto it = by_weight_.find(name);
    return it == by_weight_.end() ? nullptr : it->second.get();
}

std::vector<added_tensor> model_rotations::tensors() const {
    std::vector<added_tensor> added;
    for (const auto &[name, r] : by_weight_) {
        const std::string base =
            name.substr(0, name.size() - std::string_view(llama::schema::tensors::WEIGHT).size());
        const auto n = int64_t(r->signs.size());
        added.push_back({base + llama::schema::tensors::INPUT_SIGNS,
                         GGML_TYPE_I32,
                         {r->block, n / r->block},
                         r->signs.data()});
    }
    return added;
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

std::vector<added_tensor> rotating_quantizer::added_tensors() const {
    std::vector<added_tensor> added = inner_.added_tensors();
    for (added_tensor &t : rotations_.tensors()) added.push_back(std::move(t));
    return added;
}

} // namespace quantize
