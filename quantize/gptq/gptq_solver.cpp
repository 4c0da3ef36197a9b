#include "gptq/gptq_solver.h"

#include "checkpoints/z_blocks.h"
#include "formats/traits.h"
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

float fp16_round(float x) {
    const float r = ggml_fp16_to_fp32(ggml_fp32_to_fp16(x));
    return std::isfinite(r) ? r : 65504.0f; // the largest fp16
}

// Chooses the block fields (scales, zero points, minimums) of the n columns
// from column c of one row, from its weights as they are now, and writes
// them with placeholder levels at dst (the blocks of those columns).
// Q4_Z, Q3_Z: one (scale, zero) for the whole group, symmetric (the middle
// level at zero and the largest magnitude on the grid's edge) or by the
// formats' search for the least squared error (formats/zero_point_fit.h),
// each column weighted by its H_ii, the mean square of its input. Other
// types: a block at a time, by their own quantizer (weighted by H_ii where
// they take an importance).
void fit_span(ggml_type type, const float *w, const float *h_diag, int64_t n, bool symmetric,
              void *dst) {
    if (!gptq_takes_groups(type)) {
        ggml_quantize_rows_weighted(type, w, dst, 1, n, h_diag);
        return;
    }
    const int maxq = ggml::traits_of(type).levels.count - 1;
    float d = 0.0f;
    int z = 0;
    if (symmetric) {
        float amax = 0.0f;
        for (int64_t i = 0; i < n; i++) amax = std::max(amax, std::fabs(w[i]));
        d = fp16_round(2.0f * amax / float(maxq)); // 0 for an all-zero group
        z = (maxq + 1) / 2;
    } else {
        std::vector<uint8_t> levels(static_cast<size_t>(n));
        const ggml::zero_point_grid fit =
            ggml::fit_zero_point(w, h_diag, int(n), maxq, levels.data());
        d = ggml_fp16_to_fp32(fit.d);
        z = fit.z;
    }
    const int64_t blck = ggml_blck_size(type);
    const std::vector<int> placeholder(size_t(blck), z); // the level of 0.0
    for (int64_t b = 0; b < n / blck; b++)
        write_z_block(type, ggml_fp32_to_fp16(d), uint8_t(z), placeholder.data(),
                      static_cast<uint8_t *>(dst) + size_t(b) * ggml_type_size(type));
}

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

bool gptq_takes_groups(ggml_type type) { return type == GGML_TYPE_Q4_Z || type == GGML_TYPE_Q3_Z; }

bool gptq_can_quantize(ggml_type type) {
    return ggml_type_is_valid(type) && ggml::traits_of(type).levels.count > 0;
}

gptq_matrix gptq_quantize(const float_rows &w, std::vector<double> h, const gptq_settings &s,
                          int n_threads, std::vector<float> *values) {
    const int64_t K = w.n_per_row, R = w.nrows;
    const ggml::element_levels &lv = ggml::traits_of(s.type).levels;
    if (lv.count == 0)
        throw std::invalid_argument(std::string("GPTQ cannot quantize to ") +
                                    ggml_type_name(s.type) + ": its levels are not a line");
    const int64_t blck = ggml_blck_size(s.type);
    // the columns fitted at once: a group of Q4_Z or Q3_Z, another type's block
    const int64_t group = !gptq_takes_groups(s.type) ? blck
                          : s.group_size < 0         ? K
                                                     : std::min<int64_t>(s.group_size, K);
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
        // each column's levels, a * q + b, once its group is fitted
        std::vector<float> a(size_t(ROW_TILE * K)), b(size_t(ROW_TILE * K));
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
                        uint8_t *dst = out.blocks.data() + size_t(r0 + t) * row_bytes;
                        const size_t tc = size_t(t * K + c);
                        if (c % group == 0) {
                            const int64_t n = std::min(group, K - c);
                            uint8_t *span = dst + size_t(c / blck) * ggml_type_size(s.type);
                            fit_span(s.type, row + c, &h_diag[size_t(c)], n, s.symmetric, span);
                            lv.line(span, n, &a[tc], &b[tc]);
                        }
                        // the nearest level; an all-zero block (a = 0) keeps the fit's
                        float qv = b[tc];
                        if (a[tc] != 0.0f) {
                            const int q = int(std::clamp(std::round((row[c] - b[tc]) / a[tc]), 0.0f,
                                                         float(lv.count - 1)));
                            lv.set(dst, c, q);
                            qv = a[tc] * float(q) + b[tc]; // exactly what the block decodes to
                        }
                        const float e = (row[c] - qv) / uc[c];
                        row_loss[size_t(r0 + t)] += 0.5 * double(e) * double(e);
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
            if (values)
                for (int64_t t = 0; t < T; t++)
                    std::copy_n(&tile[size_t(t * K)], K, values->data() + (r0 + t) * K);
        }
    });
    for (double l : row_loss) out.loss += l;
    if (!std::is_sorted(perm.begin(), perm.end())) out.input_perm = std::move(perm);
    return out;
}

} // namespace quantize
