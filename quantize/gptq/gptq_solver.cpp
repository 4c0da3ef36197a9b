#include "gptq/gptq_solver.h"

#include "checkpoints/z_blocks.h"
#include "formats/zero_point_fit.h"
#include "gptq/cholesky.h"
#include "parallel_rows.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>

namespace quantize {

namespace {

// Columns are processed in blocks: within a block each quantized column
// updates the rest of the block at once; the block's errors reach the later
// columns in one product at its end (the same result, with better locality).
constexpr int64_t COLUMN_BLOCK = 128;
// Rows quantized together by one thread, so that each row of U read from
// memory serves several rows of weights.
constexpr int64_t ROW_TILE = 16;

// The levels of one group of one row: level q stands for (q - z) * d, with d
// exact in fp16 as the block stores it.
struct grid {
    float d = 0.0f;
    int z = 0;
};

float fp16_round(float x) {
    const float r = ggml_fp16_to_fp32(ggml_fp32_to_fp16(x));
    return std::isfinite(r) ? r : 65504.0f; // the largest fp16
}

// The group's grid from its weights as they are now: symmetric, the middle
// level at zero and the largest magnitude on the grid's edge; otherwise the
// formats' search for the least squared error (formats/zero_point_fit.h),
// each column weighted by its H_ii, the mean square of its input.
grid choose_grid(const float *w, const float *h_diag, int64_t n, int maxq, bool symmetric) {
    grid g;
    if (symmetric) {
        float amax = 0.0f;
        for (int64_t i = 0; i < n; i++) amax = std::max(amax, std::fabs(w[i]));
        g.d = fp16_round(2.0f * amax / float(maxq));
        g.z = (maxq + 1) / 2;
        return g; // d = 0 for an all-zero group: every weight becomes 0
    }
    std::vector<uint8_t> levels(static_cast<size_t>(n));
    const ggml::zero_point_grid fit = ggml::fit_zero_point(w, h_diag, int(n), maxq, levels.data());
    g.d = ggml_fp16_to_fp32(fit.d);
    g.z = fit.z;
    return g;
}

int level_of(float w, const grid &g, int maxq) {
    if (g.d == 0.0f) return g.z;
    return int(std::clamp(std::round(w / g.d) + float(g.z), 0.0f, float(maxq)));
}

// As the block decodes it: |q - z| <= 16 and d has 11 significant bits, so
// the product is exact.
float value_of(int q, const grid &g) { return float(q - g.z) * g.d; }

// A block size for which every group either starts at a block's start or
// lies within one block, so that a group's weights have had every earlier
// column's update when its first column is reached.
int64_t column_block(int64_t group, int64_t n) {
    if (group >= n || COLUMN_BLOCK % group == 0 || group % COLUMN_BLOCK == 0) return COLUMN_BLOCK;
    return group;
}

// U (upper Cholesky factor of (H + damp * mean(diag H) * I)^-1) for the
// smallest damp = s.damp * 10^k, k = 0..5, that makes the factorization work.
std::vector<float> inverse_factor(const std::vector<double> &h, int64_t n, double damp0,
                                  const std::string &name, double *damp_used) {
    double mean_diag = 0.0;
    for (int64_t i = 0; i < n; i++) mean_diag += h[size_t(i * n + i)];
    mean_diag /= double(n);
    double damp = damp0;
    for (int attempt = 0; attempt < 6; attempt++, damp *= 10.0) {
        std::vector<double> damped = h;
        for (int64_t i = 0; i < n; i++) damped[size_t(i * n + i)] += damp * mean_diag;
        const std::optional<std::vector<double>> u = inverse_cholesky_upper(damped, n);
        if (u) {
            *damp_used = damp;
            return std::vector<float>(u->begin(), u->end());
        }
    }
    throw std::runtime_error(std::string(name) + ": the calibration Hessian is not positive " +
                             "definite even with damping " + std::to_string(damp / 10.0) +
                             " (are the calibration activations finite?)");
}

} // namespace

gptq_matrix gptq_quantize(const float_rows &w, std::vector<double> h, const gptq_settings &s,
                          int n_threads, std::vector<float> *values) {
    const int64_t K = w.n_per_row, R = w.nrows;
    const int maxq = s.type == GGML_TYPE_Q3_Z ? 7 : 15;
    const int64_t group = s.group_size < 0 ? K : std::min<int64_t>(s.group_size, K);
    const int64_t n_groups = (K + group - 1) / group;
    const int64_t block = column_block(group, K);

    // Inputs that calibration never activated: their weights cannot matter,
    // so they become 0, and H_ii = 1 keeps H invertible.
    std::vector<bool> dead(size_t(K), false);
    for (int64_t i = 0; i < K; i++) {
        if (h[size_t(i * K + i)] == 0.0) {
            dead[size_t(i)] = true;
            h[size_t(i * K + i)] = 1.0;
        }
    }
    // Act-order: the inputs with the largest H_ii first, while many columns
    // remain to absorb their errors (ties keep the input order).
    std::vector<int32_t> perm(static_cast<size_t>(K));
    std::iota(perm.begin(), perm.end(), 0);
    if (s.act_order)
        std::stable_sort(perm.begin(), perm.end(), [&](int32_t a, int32_t b) {
            return h[size_t(a) * size_t(K + 1)] > h[size_t(b) * size_t(K + 1)];
        });
    // H in the order of the columns, and no second copy of it kept: at
    // K = 11008 one is a gigabyte
    std::vector<double> hp;
    if (s.act_order) {
        hp.resize(size_t(K * K));
        for (int64_t a = 0; a < K; a++)
            for (int64_t b = 0; b < K; b++)
                hp[size_t(a * K + b)] =
                    h[size_t(perm[size_t(a)]) * size_t(K) + size_t(perm[size_t(b)])];
        std::vector<double>().swap(h);
    } else {
        hp = std::move(h);
    }

    std::vector<float> h_diag(static_cast<size_t>(K)); // in the order of the columns
    for (int64_t i = 0; i < K; i++) h_diag[size_t(i)] = float(hp[size_t(i * K + i)]);
    gptq_matrix out;
    const std::vector<float> u = inverse_factor(hp, K, s.damp, std::string(w.name), &out.damp);
    const size_t row_bytes = ggml_row_size(s.type, K);
    out.blocks.resize(size_t(R) * row_bytes);
    if (values) values->resize(size_t(R * K));
    std::vector<double> row_loss(size_t(R), 0.0);

    parallel_rows(R, n_threads, [&](int64_t first, int64_t end) {
        std::vector<float> tile(size_t(ROW_TILE * K));
        std::vector<float> err(size_t(ROW_TILE * block));
        std::vector<int> levels(size_t(ROW_TILE * K));
        std::vector<grid> grids(size_t(ROW_TILE * n_groups));
        for (int64_t r0 = first; r0 < end; r0 += ROW_TILE) {
            const int64_t T = std::min(ROW_TILE, end - r0);
            for (int64_t t = 0; t < T; t++)
                for (int64_t j = 0; j < K; j++) {
                    const int32_t i = perm[size_t(j)];
                    tile[size_t(t * K + j)] = dead[size_t(i)] ? 0.0f : w.data[(r0 + t) * K + i];
                }
            for (int64_t b0 = 0; b0 < K; b0 += block) {
                const int64_t b1 = std::min(b0 + block, K);
                for (int64_t c = b0; c < b1; c++) {
                    const float *uc = &u[size_t(c * K)];
                    for (int64_t t = 0; t < T; t++) {
                        float *row = &tile[size_t(t * K)];
                        grid &g = grids[size_t(t * n_groups + c / group)];
                        if (c % group == 0)
                            g = choose_grid(row + c, &h_diag[size_t(c)], std::min(group, K - c),
                                            maxq, s.symmetric);
                        const int q = level_of(row[c], g, maxq);
                        const float qv = value_of(q, g);
                        const float e = (row[c] - qv) / uc[c];
                        row_loss[size_t(r0 + t)] += 0.5 * double(e) * double(e);
                        levels[size_t(t * K + c)] = q;
                        row[c] = qv; // the row now holds the quantized values up to c
                        for (int64_t j = c + 1; j < b1; j++) row[j] -= e * uc[j];
                        err[size_t(t * block + c - b0)] = e;
                    }
                }
                for (int64_t c = b0; c < b1; c++) {
                    const float *uc = &u[size_t(c * K)];
                    for (int64_t t = 0; t < T; t++) {
                        float *row = &tile[size_t(t * K)];
                        const float e = err[size_t(t * block + c - b0)];
                        for (int64_t j = b1; j < K; j++) row[j] -= e * uc[j];
                    }
                }
            }
            for (int64_t t = 0; t < T; t++) {
                uint8_t *dst = out.blocks.data() + size_t(r0 + t) * row_bytes;
                for (int64_t b = 0; b < K / Z_BLOCK; b++) {
                    const grid &g = grids[size_t(t * n_groups + b * Z_BLOCK / group)];
                    write_z_block(s.type, ggml_fp32_to_fp16(g.d), uint8_t(g.z),
                                  &levels[size_t(t * K + b * Z_BLOCK)],
                                  dst + size_t(b) * ggml_type_size(s.type));
                }
                if (values) std::copy_n(&tile[size_t(t * K)], K, values->data() + (r0 + t) * K);
            }
        }
    });
    for (double l : row_loss) out.loss += l;
    if (!std::is_sorted(perm.begin(), perm.end())) out.input_perm = std::move(perm);
    return out;
}

} // namespace quantize
