// GPTQ on one matrix: on a linear layer with correlated inputs its output
// error on held-out inputs is well below rounding to nearest at 4 and 3 bits
// for every group size, with and without act-order, and for every ggml type
// it can quantize to; the stored blocks decode
// to exactly the values the error compensation assumed; the result does not
// depend on the thread count; dead inputs get weight 0. Also the Cholesky
// factor it uses, the calibration segments' positions, and the split of
// rows among threads.
#include "gptq/calibration_text.h"
#include "gptq/cholesky.h"
#include "gptq/gptq_solver.h"
#include "parallel_rows.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>
#include <string>

using namespace quantize;

namespace {

// A layer y = W x whose inputs are correlated as activations are: x = A z +
// noise with z standard normal of a quarter of the inputs' dimension (a few
// directions carry most of the signal), the rows of A of very different
// norms (so are the channels of real activations).
struct random_layer {
    int64_t K, R;
    std::vector<float> w;        // [R][K]
    std::vector<float> calib;    // [N][K]: the inputs GPTQ sees
    std::vector<float> held_out; // [M][K]: the inputs the error is measured on
    std::vector<double> hessian; // 2/N sum x x^T of calib

    random_layer(int64_t k, int64_t r, int64_t n_calib, int64_t n_test, uint32_t seed)
        : K(k), R(r) {
        std::mt19937 rng(seed);
        std::normal_distribution<float> normal;
        const int64_t D = K / 4;
        std::vector<float> a(size_t(K * D));
        for (int64_t i = 0; i < K; i++) {
            const float scale = std::exp(normal(rng)) / std::sqrt(float(D));
            for (int64_t j = 0; j < D; j++)
                a[size_t(i * D + j)] = normal(rng) * scale; // row i makes input i
        }
        const auto sample = [&](int64_t n) {
            std::vector<float> x(static_cast<size_t>(n * K)), z(static_cast<size_t>(D));
            for (int64_t s = 0; s < n; s++) {
                for (float &v : z) v = normal(rng);
                for (int64_t i = 0; i < K; i++) {
                    float sum = 0.1f * normal(rng);
                    for (int64_t j = 0; j < D; j++) sum += a[size_t(i * D + j)] * z[size_t(j)];
                    x[size_t(s * K + i)] = sum;
                }
            }
            return x;
        };
        calib = sample(n_calib);
        held_out = sample(n_test);
        w.resize(size_t(R * K));
        for (float &v : w) v = normal(rng) * 0.1f;
        hessian.assign(size_t(K * K), 0.0);
        for (int64_t s = 0; s < n_calib; s++)
            for (int64_t i = 0; i < K; i++)
                for (int64_t j = 0; j < K; j++)
                    hessian[size_t(i * K + j)] +=
                        double(calib[size_t(s * K + i)]) * double(calib[size_t(s * K + j)]);
        for (double &v : hessian) v *= 2.0 / double(n_calib);
    }

    float_rows rows() const { return {"w", w.data(), R, K}; }

    // ||X W^T - X Q^T|| over the held-out inputs, q in the original input order
    double output_error(const std::vector<float> &q) const {
        double sum = 0.0;
        const int64_t M = int64_t(held_out.size()) / K;
        for (int64_t s = 0; s < M; s++)
            for (int64_t r = 0; r < R; r++) {
                double d = 0.0;
                for (int64_t i = 0; i < K; i++)
                    d += double(held_out[size_t(s * K + i)]) *
                         (double(w[size_t(r * K + i)]) - double(q[size_t(r * K + i)]));
                sum += d * d;
            }
        return std::sqrt(sum);
    }
};

std::vector<float> decode(ggml_type type, const std::vector<uint8_t> &blocks, int64_t R,
                          int64_t K) {
    std::vector<float> out(size_t(R * K));
    for (int64_t r = 0; r < R; r++)
        ggml_dequantize_row(type, blocks.data() + size_t(r) * ggml_row_size(type, K),
                            out.data() + r * K, K);
    return out;
}

// How many of the values differ; a zero equals a zero of either sign (a
// block decodes level 8 of Q4_0 with d < 0 to -0.0, GPTQ's level line to
// +0.0, which its updates treat alike).
size_t mismatches(const std::vector<float> &a, const std::vector<float> &b) {
    if (a.size() != b.size()) return std::max(a.size(), b.size());
    size_t n = 0;
    for (size_t i = 0; i < a.size(); i++) n += a[i] != b[i];
    return n;
}

// Columns back in the original input order.
std::vector<float> unpermute(const std::vector<float> &q, const std::vector<int32_t> &perm,
                             int64_t R, int64_t K) {
    if (perm.empty()) return q;
    std::vector<float> out(q.size());
    for (int64_t r = 0; r < R; r++)
        for (int64_t j = 0; j < K; j++) out[size_t(r * K + perm[size_t(j)])] = q[size_t(r * K + j)];
    return out;
}

// Rounding to nearest by ggml's reference quantizer (blocks of 32).
std::vector<float> ggml_rounded(const random_layer &l, ggml_type type) {
    std::vector<uint8_t> blocks(size_t(l.R) * ggml_row_size(type, l.K));
    ggml_quantize_rows(type, l.w.data(), blocks.data(), l.R, l.K);
    return decode(type, blocks, l.R, l.K);
}

// Rounding to nearest with GPTQ's own groups and grid: GPTQ with an
// identity Hessian, which makes no update (U is diagonal).
std::vector<float> grid_rounded(const random_layer &l, gptq_settings s) {
    std::vector<double> identity(size_t(l.K * l.K), 0.0);
    for (int64_t i = 0; i < l.K; i++) identity[size_t(i * l.K + i)] = 1.0;
    s.act_order = false;
    std::vector<float> values;
    gptq_quantize(l.rows(), identity, s, 1, &values);
    return values;
}

const random_layer &shared_layer() {
    static const random_layer layer(256, 96, 4096, 1024, 7);
    return layer;
}

struct case_params {
    ggml_type type;
    int group; // Q4_Z, Q3_Z; 0 for the other types, whose groups are their blocks (128
               // for Q4_Z128, Q3_Z128)
    bool act_order;
};

bool is_zero_point(ggml_type t) { return t == GGML_TYPE_Q4_Z || t == GGML_TYPE_Q3_Z; }

std::string case_name(const ::testing::TestParamInfo<case_params> &info) {
    const case_params &p = info.param;
    const std::string group = p.group == 0  ? std::string()
                              : p.group < 0 ? std::string("_gall")
                                            : "_g" + std::to_string(p.group);
    return std::string(ggml_type_name(p.type)) + group + (p.act_order ? "_act_order" : "");
}

class GptqSolver : public ::testing::TestWithParam<case_params> {};

TEST_P(GptqSolver, BeatsRoundingToNearestAndStoresExactlyWhatItAssumed) {
    const case_params p = GetParam();
    const random_layer &l = shared_layer();
    gptq_settings s;
    s.type = p.type;
    if (p.group != 0) s.group_size = p.group;
    s.act_order = p.act_order;
    std::vector<float> values;
    const gptq_matrix m = gptq_quantize(l.rows(), l.hessian, s, 2, &values);

    // the blocks decode to exactly the values the updates assumed
    const std::vector<float> decoded = decode(p.type, m.blocks, l.R, l.K);
    EXPECT_EQ(mismatches(decoded, values), 0u);

    // a group's blocks share one (scale, zero)
    const int64_t group = p.group < 0 ? l.K : p.group;
    const size_t block_bytes = ggml_type_size(p.type);
    for (int64_t r = 0; r < l.R && is_zero_point(p.type); r++)
        for (int64_t b = 0; b < l.K / 32; b++) {
            const uint8_t *row = m.blocks.data() + size_t(r) * ggml_row_size(p.type, l.K);
            const uint8_t *first = row + size_t(b * 32 / group * group / 32) * block_bytes;
            // d (2 bytes) and z (1 byte) lead both block layouts
            ASSERT_EQ(std::memcmp(row + size_t(b) * block_bytes, first, 3), 0) << r << " " << b;
        }

    // act-order: a permutation by decreasing H_ii
    if (p.act_order) {
        ASSERT_EQ(m.input_perm.size(), size_t(l.K));
        std::vector<int32_t> sorted = m.input_perm;
        std::sort(sorted.begin(), sorted.end());
        for (int64_t i = 0; i < l.K; i++) ASSERT_EQ(sorted[size_t(i)], i);
        for (int64_t j = 1; j < l.K; j++)
            EXPECT_GE(l.hessian[size_t(m.input_perm[size_t(j - 1)]) * size_t(l.K + 1)],
                      l.hessian[size_t(m.input_perm[size_t(j)]) * size_t(l.K + 1)]);
    } else {
        EXPECT_TRUE(m.input_perm.empty());
    }

    const double gptq = l.output_error(unpermute(values, m.input_perm, l.R, l.K));
    const double same_grid = l.output_error(grid_rounded(l, s));
    const double ggml = l.output_error(ggml_rounded(l, p.type));
    std::printf("[ %s ] output error: GPTQ %.4g, rounded on the same groups %.4g (ratio %.3f), "
                "ggml's round-to-nearest %.4g (ratio %.3f)\n",
                case_name({p, 0}).c_str(), gptq, same_grid, gptq / same_grid, ggml, gptq / ggml);
    EXPECT_LT(gptq, 0.6 * same_grid);
    EXPECT_LT(gptq, 0.6 * ggml);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, GptqSolver,
    ::testing::Values(
        case_params{GGML_TYPE_Q4_Z, 32, false}, case_params{GGML_TYPE_Q4_Z, 32, true},
        case_params{GGML_TYPE_Q4_Z, 128, false}, case_params{GGML_TYPE_Q4_Z, 128, true},
        case_params{GGML_TYPE_Q4_Z, -1, false}, case_params{GGML_TYPE_Q4_Z, -1, true},
        case_params{GGML_TYPE_Q3_Z, 32, false}, case_params{GGML_TYPE_Q3_Z, 32, true},
        case_params{GGML_TYPE_Q3_Z, 128, false}, case_params{GGML_TYPE_Q3_Z, 128, true},
        case_params{GGML_TYPE_Q3_Z, -1, false}, case_params{GGML_TYPE_Q3_Z, -1, true},
        // ggml's types: each block's fields from its own quantizer
        case_params{GGML_TYPE_Q4_0, 0, false}, case_params{GGML_TYPE_Q4_1, 0, true},
        case_params{GGML_TYPE_Q5_0, 0, true}, case_params{GGML_TYPE_Q5_1, 0, false},
        case_params{GGML_TYPE_Q8_0, 0, true}, case_params{GGML_TYPE_Q2_K, 0, true},
        case_params{GGML_TYPE_Q3_K, 0, false}, case_params{GGML_TYPE_Q4_K, 0, true},
        case_params{GGML_TYPE_Q5_K, 0, false}, case_params{GGML_TYPE_Q6_K, 0, true},
        case_params{GGML_TYPE_Q4_Z128, 0, true}, case_params{GGML_TYPE_Q3_Z128, 0, false},
        case_params{GGML_TYPE_Q2_Z, 0, true}, case_params{GGML_TYPE_Q2_Z128, 0, false}),
    case_name);

TEST(GptqSolverProperties, BytesDoNotDependOnTheThreadCount) {
    const random_layer &l = shared_layer();
    for (const bool act_order : {false, true}) {
        gptq_settings s;
        s.group_size = 64;
        s.act_order = act_order;
        const gptq_matrix one = gptq_quantize(l.rows(), l.hessian, s, 1);
        for (const int n_threads : {2, 3, 7}) {
            const gptq_matrix many = gptq_quantize(l.rows(), l.hessian, s, n_threads);
            EXPECT_EQ(one.blocks, many.blocks) << n_threads << " threads";
            EXPECT_EQ(one.input_perm, many.input_perm);
        }
    }
}

TEST(GptqSolverProperties, GroupsOfAnySizeDecodeExactly) {
    // groups that straddle blocks of columns, and groups longer than a row
    const random_layer &l = shared_layer();
    for (const int group : {64, 96, 160, 256, 512}) {
        gptq_settings s;
        s.group_size = group;
        s.act_order = true;
        std::vector<float> values;
        const gptq_matrix m = gptq_quantize(l.rows(), l.hessian, s, 2, &values);
        const std::vector<float> decoded = decode(s.type, m.blocks, l.R, l.K);
        EXPECT_EQ(mismatches(decoded, values), 0u) << "group " << group;
        EXPECT_LT(l.output_error(unpermute(values, m.input_perm, l.R, l.K)),
                  0.6 * l.output_error(grid_rounded(l, s)))
            << "group " << group;
    }
}

TEST(GptqSolverProperties, DeadInputsGetZeroWeights) {
    const int64_t K = 64, R = 8;
    std::mt19937 rng(3);
    std::normal_distribution<float> normal;
    std::vector<float> w(size_t(R * K));
    for (float &v : w) v = normal(rng);
    // H of inputs 5 and 40 never active
    std::vector<double> h(size_t(K * K), 0.0);
    for (int s = 0; s < 512; s++) {
        std::vector<double> x(static_cast<size_t>(K));
        for (double &v : x) v = normal(rng);
        x[5] = x[40] = 0.0;
        for (int64_t i = 0; i < K; i++)
            for (int64_t j = 0; j < K; j++)
                h[size_t(i * K + j)] += x[size_t(i)] * x[size_t(j)] / 256.0;
    }
    for (const bool act_order : {false, true}) {
        gptq_settings s;
        s.act_order = act_order;
        std::vector<float> values;
        const gptq_matrix m = gptq_quantize({"w", w.data(), R, K}, h, s, 1, &values);
        const std::vector<float> q = unpermute(values, m.input_perm, R, K);
        for (int64_t r = 0; r < R; r++) {
            EXPECT_EQ(q[size_t(r * K + 5)], 0.0f);
            EXPECT_EQ(q[size_t(r * K + 40)], 0.0f);
        }
        EXPECT_EQ(m.damp, 0.01);
    }
}

TEST(GptqSolverProperties, SymmetricGroupsHaveTheMiddleZero) {
    const random_layer &l = shared_layer();
    for (const ggml_type type : {GGML_TYPE_Q4_Z, GGML_TYPE_Q3_Z}) {
        gptq_settings s;
        s.type = type;
        s.symmetric = true;
        const gptq_matrix m = gptq_quantize(l.rows(), l.hessian, s, 2);
        const size_t block_bytes = ggml_type_size(type);
        for (size_t b = 0; b < m.blocks.size() / block_bytes; b++)
            ASSERT_EQ(m.blocks[b * block_bytes + 2], type == GGML_TYPE_Q4_Z ? 8 : 4) << b;
    }
}

TEST(Cholesky, UpperFactorOfTheInverse) {
    const int64_t n = 40;
    std::mt19937 rng(5);
    std::normal_distribution<double> normal;
    std::vector<double> b(size_t(n * n)), h(size_t(n * n), 0.0);
    for (double &v : b) v = normal(rng);
    for (int64_t i = 0; i < n; i++) // H = B B^T + I
        for (int64_t j = 0; j < n; j++) {
            for (int64_t k = 0; k < n; k++)
                h[size_t(i * n + j)] += b[size_t(i * n + k)] * b[size_t(j * n + k)];
            h[size_t(i * n + j)] += i == j ? 1.0 : 0.0;
        }
    const auto u = inverse_cholesky_upper(h, n);
    ASSERT_TRUE(u.has_value());
    // upper triangular with a positive diagonal, and U^T U H = I
    for (int64_t i = 0; i < n; i++) {
        EXPECT_GT((*u)[size_t(i * n + i)], 0.0);
        for (int64_t j = 0; j < i; j++) EXPECT_EQ((*u)[size_t(i * n + j)], 0.0);
    }
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) {
            double p = 0.0;
            for (int64_t k = 0; k < n; k++) {
                double utu = 0.0; // (U^T U)[i][k]
                for (int64_t m = 0; m < n; m++)
                    utu += (*u)[size_t(m * n + i)] * (*u)[size_t(m * n + k)];
                p += utu * h[size_t(k * n + j)];
            }
            EXPECT_NEAR(p, i == j ? 1.0 : 0.0, 1e-9) << i << " " << j;
        }
    // not positive definite: refused
    std::vector<double> singular(size_t(n * n), 1.0);
    EXPECT_FALSE(inverse_cholesky_upper(singular, n).has_value());
}

TEST(CalibrationSegments, StartWherePythonsRandomPutsThem) {
    // Python: random.seed(0); [random.randint(0, 705243 - 256 - 1) for _ in range(5)]
    std::vector<llama_token> tokens(705243);
    std::iota(tokens.begin(), tokens.end(), 0);
    const auto segments = sample_segments(tokens, 5, 256, 0);
    const std::vector<llama_token> starts = {403958, 441001, 42450, 271493, 536110};
    ASSERT_EQ(segments.size(), starts.size());
    for (size_t k = 0; k < starts.size(); k++) {
        ASSERT_EQ(segments[k].size(), 256u);
        EXPECT_EQ(segments[k][0], starts[k]);
        EXPECT_EQ(segments[k][255], starts[k] + 255);
    }
    // random.seed(12345); [random.randint(0, 1000) for _ in range(5)]
    std::vector<llama_token> short_text(1002);
    std::iota(short_text.begin(), short_text.end(), 0);
    const auto other = sample_segments(short_text, 5, 1, 12345);
    const std::vector<llama_token> other_starts = {426, 750, 10, 839, 845};
    for (size_t k = 0; k < other_starts.size(); k++) EXPECT_EQ(other[k][0], other_starts[k]);
}

TEST(ParallelRows, CoversEveryRowOnceAndAWorkersExceptionReachesTheCaller) {
    std::vector<int> seen(1000, 0);
    quantize::parallel_rows(1000, 3, [&](int64_t first, int64_t end) {
        for (int64_t r = first; r < end; r++) seen[size_t(r)]++;
    });
    EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 1000);
    // the last range is a worker thread's, not the caller's
    EXPECT_THROW(quantize::parallel_rows(1000, 3,
                                         [](int64_t, int64_t end) {
                                             if (end == 1000) throw std::bad_alloc();
                                         }),
                 std::bad_alloc);
}

} // namespace
