// Every op against a naive double-precision reference on random inputs,
// with odd shapes and non-contiguous views, on 1 and 3 threads.
#include "tensor_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>

namespace {

using test::get;

struct Ctx {
    ggml_context *ctx = ggml_init({64 << 20, nullptr, false});
    ~Ctx() { ggml_free(ctx); }
    operator ggml_context *() const { return ctx; }
};

struct PlannerDeleter {
    void operator()(ggml_planner *p) const { ggml_planner_free(p); }
};
using Planner = std::unique_ptr<ggml_planner, PlannerDeleter>;

class Ops : public ::testing::TestWithParam<int> {
  protected:
    std::mt19937 rng{1234};
    void expect_mul_mat(ggml_type type, double tol, int64_t K, int64_t M, int64_t N);
    int threads() const { return GetParam(); }

    // Runs out's graph and checks every element against ref(i0..i3) with an
    // absolute tolerance of tol * (1 + |ref|).
    void expect_matches(ggml_context *ctx, ggml_tensor *out,
                        const std::function<double(int64_t, int64_t, int64_t, int64_t)> &ref,
                        double tol) {
        Planner planner(test::compute(ctx, out, threads()));
        ASSERT_TRUE(planner);
        int64_t bad = 0;
        double worst = 0.0;
        test::for_each_index(out, [&](int64_t i0, int64_t i1, int64_t i2, int64_t i3) {
            const double want = ref(i0, i1, i2, i3);
            const double got = get(out, i0, i1, i2, i3);
            const double err = std::fabs(got - want);
            worst = std::max(worst, err);
            if (!(err <= tol * (1.0 + std::fabs(want))) && bad++ < 5)
                ADD_FAILURE() << "element (" << i0 << "," << i1 << "," << i2 << "," << i3
                              << "): got " << got << ", want " << want;
        });
        EXPECT_EQ(bad, 0) << "largest error " << worst;
    }
};

TEST_P(Ops, AddBroadcastsOverEveryDimension) {
    Ctx ctx;
    ggml_tensor *a = ggml_new_tensor_4d(ctx, GGML_TYPE_F32, 7, 5, 3, 2);
    ggml_tensor *b = ggml_new_tensor_4d(ctx, GGML_TYPE_F32, 7, 1, 3, 1);
    test::fill_uniform(a, rng);
    test::fill_uniform(b, rng);
    expect_matches(
        ctx, ggml_add(ctx, a, b),
        [&](int64_t i0, int64_t i1, int64_t i2, int64_t i3) {
            return get(a, i0, i1, i2, i3) + get(b, i0, 0, i2, 0);
        },
        1e-6);
}

TEST_P(Ops, MulOfTransposedViewWithColumnBroadcast) {
    Ctx ctx;
    ggml_tensor *base = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, 6, 9);
    ggml_tensor *b = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, 1, 6);
    test::fill_uniform(base, rng);
    test::fill_uniform(b, rng);
    ggml_tensor *a = ggml_transpose(ctx, base); // [9, 6], non-contiguous
    expect_matches(
        ctx, ggml_mul(ctx, a, b),
        [&](int64_t i0, int64_t i1, int64_t, int64_t) { return get(base, i1, i0) * get(b, 0, i1); },
        1e-6);
}

TEST_P(Ops, ScaleSiluSwiglu) {
    Ctx ctx;
    ggml_tensor *a = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, 13, 3, 2);
    ggml_tensor *b = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, 13, 3, 2);
    test::fill_uniform(a, rng, -6.0f, 6.0f);
    test::fill_uniform(b, rng);
    auto silu = [](double x) { return x / (1.0 + std::exp(-x)); };
    expect_matches(
        ctx, ggml_scale(ctx, a, 0.37f),
        [&](int64_t i0, int64_t i1, int64_t i2, int64_t) { return get(a, i0, i1, i2) * 0.37; },
        1e-6);
    expect_matches(
        ctx, ggml_silu(ctx, a),
        [&](int64_t i0, int64_t i1, int64_t i2, int64_t) { return silu(get(a, i0, i1, i2)); },
        1e-6);
    expect_matches(
        ctx, ggml_swiglu(ctx, a, b),
        [&](int64_t i0, int64_t i1, int64_t i2, int64_t) {
            return silu(get(a, i0, i1, i2)) * get(b, i0, i1, i2);
        },
        1e-6);
}

TEST_P(Ops, RmsNorm) {
    Ctx ctx;
    ggml_tensor *a = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, 33, 4);
    test::fill_uniform(a, rng, -3.0f, 3.0f);
    expect_matches(
        ctx, ggml_rms_norm(ctx, a, 1e-5f),
        [&](int64_t i0, int64_t i1, int64_t, int64_t) {
            double ss = 0.0;
            for (int64_t i = 0; i < a->ne[0]; i++) ss += get(a, i, i1) * get(a, i, i1);
            return get(a, i0, i1) / std::sqrt(ss / double(a->ne[0]) + 1e-5);
        },
        1e-5);
}

TEST_P(Ops, RopeRotatesAdjacentPairs) {
    for (int n_dims : {16, 8}) { // whole head, and only its first half
        Ctx ctx;
        ggml_tensor *a = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, 16, 3, 5); // head, heads, tokens
        ggml_tensor *pos = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, 5);
        test::fill_uniform(a, rng);
        for (int t = 0; t < 5; t++) test::set(pos, 7 * t + 3, t);
        expect_matches(
            ctx, ggml_rope(ctx, a, pos, n_dims, 10000.0f),
            [&](int64_t i0, int64_t i1, int64_t i2, int64_t) {
                if (i0 >= n_dims) return get(a, i0, i1, i2);
                const int64_t pair = i0 / 2 * 2;
                const double theta = get(pos, i2) * std::pow(10000.0, -double(pair) / n_dims);
                const double x0 = get(a, pair, i1, i2), x1 = get(a, pair + 1, i1, i2);
                return i0 % 2 == 0 ? x0 * std::cos(theta) - x1 * std::sin(theta)
                                   : x0 * std::sin(theta) + x1 * std::cos(theta);
            },
            1e-4); // float angles at positions up to 31
    }
}

TEST_P(Ops, SoftMaxWithCausalMask) {
    for (bool causal : {true, false}) {
        Ctx ctx;
        const int n_past = 5;
        ggml_tensor *a = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, 9, 4, 3); // kv, tokens, heads
        test::fill_uniform(a, rng, -4.0f, 4.0f);
        const double scale = 0.3;
        expect_matches(
            ctx, ggml_soft_max(ctx, a, float(scale), causal, n_past),
            [&](int64_t i0, int64_t i1, int64_t i2, int64_t) {
                const int64_t seen = causal ? n_past + i1 + 1 : a->ne[0];
                if (i0 >= seen) return 0.0;
                double max = -INFINITY, sum = 0.0;
                for (int64_t i = 0; i < seen; i++) max = std::max(max, scale * get(a, i, i1, i2));
                for (int64_t i = 0; i < seen; i++) sum += std::exp(scale * get(a, i, i1, i2) - max);
                return std::exp(scale * get(a, i0, i1, i2) - max) / sum;
            },
            1e-6);
    }
}

// Queries [hd, n_head, n] against a cache of key blocks and values [hd *
// n_head_kv, n_ctx] seen as [hd, n_kv, n_head_kv], as the llama forward pass
// reads them: grouped heads, past positions, head sizes with and without
// whole vectors.
TEST_P(Ops, AttentionIsSoftmaxOfScaledScoresTimesValues) {
    constexpr int64_t KB = GGML_KEY_BLOCK;
    for (ggml_type cache : {GGML_TYPE_F32, GGML_TYPE_F16}) {
        for (int64_t hd : {12, 48, 64, 264}) {
            SCOPED_TRACE(std::string(ggml_type_name(cache)) + " hd=" + std::to_string(hd));
            Ctx ctx;
            const int64_t n_head = 4, n_head_kv = 2, n_past = 13, n = 7, n_ctx = 3 * KB;
            ggml_tensor *q = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, hd, n_head, n);
            test::fill_uniform(q, rng, -1.0f, 1.0f);
            ggml_tensor *k = ggml_new_tensor_4d(ctx, cache, KB, hd, n_head_kv, n_ctx / KB);
            ggml_tensor *vc = ggml_new_tensor_2d(ctx, cache, hd * n_head_kv, n_ctx);
            test::fill_uniform(k, rng, -1.0f, 1.0f);
            test::fill_uniform(vc, rng, -1.0f, 1.0f);
            const size_t row = vc->nb[1], el = ggml_type_size(cache);
            const int64_t n_kv = n_past + n + 2; // positions past the last query: never used
            ggml_tensor *v = ggml_view_3d(ctx, vc, hd, n_kv, n_head_kv, row, hd * el, 0);
            const double scale = 1.0 / std::sqrt(double(hd));
            expect_matches(
                ctx, ggml_attention(ctx, q, k, v, float(scale), int(n_past)),
                [&](int64_t d, int64_t h, int64_t i, int64_t) {
                    const int64_t hk = h / (n_head / n_head_kv), seen = n_past + i + 1;
                    std::vector<double> s(static_cast<size_t>(seen));
                    double max = -INFINITY, sum = 0.0, out = 0.0;
                    for (int64_t j = 0; j < seen; j++) {
                        double dot = 0.0;
                        for (int64_t e = 0; e < hd; e++)
                            dot += get(q, e, h, i) * get(k, j % KB, e, hk, j / KB);
                        s[size_t(j)] = scale * dot;
                        max = std::max(max, s[size_t(j)]);
                    }
                    for (int64_t j = 0; j < seen; j++) {
                        const double p = std::exp(s[size_t(j)] - max);
                        sum += p;
                        out += p * get(v, d, j, hk);
                    }
                    return out / sum;
                },
                1e-5);
        }
    }
}

// Keys stored from a position inside a block through the next: each lands
// at (its position within the block, its element, its head, its block),
// converted to the cache's type; positions before and after keep theirs.
TEST_P(Ops, StoreKeysPlacesEachKeyInItsBlock) {
    constexpr int64_t KB = GGML_KEY_BLOCK;
    for (ggml_type type : {GGML_TYPE_F32, GGML_TYPE_F16}) {
        SCOPED_TRACE(ggml_type_name(type));
        Ctx ctx;
        const int64_t hd = 12, heads = 3, n_past = 5, n = 21, n_blocks = 4;
        ggml_tensor *k = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, hd, heads, n);
        ggml_tensor *cache = ggml_new_tensor_4d(ctx, type, KB, hd, heads, n_blocks);
        test::fill_uniform(k, rng);
        test::fill_uniform(cache, rng);
        ggml_tensor *before = ggml_new_tensor_4d(ctx, type, KB, hd, heads, n_blocks);
        std::memcpy(before->data, cache->data, ggml_nbytes(cache));
        ggml_tensor *stored = ggml_store_keys(ctx, k, cache, int(n_past));
        EXPECT_EQ(stored->ne[3], 2) << "the blocks written";
        expect_matches(
            ctx, stored,
            [&](int64_t j, int64_t d, int64_t h, int64_t b) {
                const int64_t i = b * KB + j - n_past; // (the blocks written start at 0)
                if (i < 0 || i >= n) return get(before, j, d, h, b);
                const float x = float(get(k, d, h, i));
                return double(type == GGML_TYPE_F32 ? x : ggml_fp16_to_fp32(ggml_fp32_to_fp16(x)));
            },
            0.0);
        const size_t written = size_t(2 * cache->nb[3]);
        EXPECT_EQ(0, std::memcmp(static_cast<char *>(before->data) + written,
                                 static_cast<char *>(cache->data) + written,
                                 ggml_nbytes(cache) - written))
            << "blocks past the keys changed";
    }
}

// A query's result is the same whether it came in one batch or one at a time.
TEST_P(Ops, AttentionDoesNotDependOnTheBatch) {
    Ctx ctx;
    const int64_t hd = 32, n_head = 2, n = 11;
    ggml_tensor *q = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, hd, n_head, n);
    test::fill_uniform(q, rng, -2.0f, 2.0f);
    ggml_tensor *k = ggml_new_tensor_4d(ctx, GGML_TYPE_F16, GGML_KEY_BLOCK, hd, 1, 1);
    ggml_tensor *v = ggml_new_tensor_3d(ctx, GGML_TYPE_F16, hd, n, 1);
    test::fill_uniform(k, rng, -1.0f, 1.0f);
    test::fill_uniform(v, rng, -1.0f, 1.0f);
    ggml_tensor *batch = ggml_attention(ctx, q, k, v, 0.25f, 0);
    ggml_set_output(batch);
    Planner planner(test::compute(ctx, batch, threads()));
    ASSERT_TRUE(planner);
    for (int64_t i = 0; i < n; i++) {
        ggml_tensor *qi =
            ggml_view_3d(ctx, q, hd, n_head, 1, q->nb[1], q->nb[2], size_t(i) * q->nb[2]);
        ggml_tensor *one = ggml_attention(ctx, qi, k, v, 0.25f, int(i));
        ggml_set_output(one);
        Planner p1(test::compute(ctx, one, threads()));
        ASSERT_TRUE(p1);
        for (int64_t h = 0; h < n_head; h++)
            for (int64_t d = 0; d < hd; d++)
                ASSERT_EQ(get(one, d, h, 0), get(batch, d, h, i)) << "query " << i << " head " << h;
    }
}

TEST_P(Ops, CpyIntoStridedF16ViewAndBack) {
    Ctx ctx;
    // a cache of 10 rows of 8; the copy fills column block [2, 6) of rows 1..7
    ggml_tensor *src = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, 4, 7);
    ggml_tensor *cache = ggml_new_tensor_2d(ctx, GGML_TYPE_F16, 8, 10);
    test::fill_uniform(src, rng);
    test::fill_uniform(cache, rng);
    ggml_tensor *dst = ggml_view_2d(ctx, cache, 4, 7, cache->nb[1], cache->nb[1] + 2 * 2);
    ggml_tensor *copied = ggml_cpy(ctx, src, dst);
    expect_matches(
        ctx, copied,
        [&](int64_t i0, int64_t i1, int64_t, int64_t) {
            return double(ggml_fp16_to_fp32(ggml_fp32_to_fp16(float(get(src, i0, i1)))));
        },
        0.0);
    // and back to F32 through a transposed view
    ggml_tensor *back = ggml_cont(ctx, ggml_transpose(ctx, cache));
    ggml_tensor *as_f32 = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, 10, 8);
    expect_matches(
        ctx, ggml_cpy(ctx, back, as_f32),
        [&](int64_t i0, int64_t i1, int64_t, int64_t) { return get(cache, i1, i0); }, 0.0);
}

TEST_P(Ops, CpyBetweenDifferentShapesKeepsElementOrder) {
    Ctx ctx;
    ggml_tensor *src = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, 6, 2, 2);
    ggml_tensor *dst = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, 4, 6);
    test::fill_uniform(src, rng);
    expect_matches(
        ctx, ggml_cpy(ctx, ggml_permute(ctx, src, 1, 0, 2, 3), dst),
        [&](int64_t i0, int64_t i1, int64_t, int64_t) {
            // flat index over the permuted shape [2, 6, 2]
            const int64_t k = i1 * 4 + i0;
            const int64_t p0 = k % 2, p1 = (k / 2) % 6, p2 = k / 12;
            return get(src, p1, p0, p2);
        },
        0.0);
}

// A product with a quantized weight gates a SwiGLU input in the conversion
// to the activation type: the swiglu node is not read, and the result is bit
// for bit that of the gated input computed apart.
TEST_P(Ops, ProductGatesInTheActivationConversion) {
    for (ggml_type type : {GGML_TYPE_Q8_0, GGML_TYPE_Q4_1, GGML_TYPE_F16}) {
        SCOPED_TRACE(ggml_type_name(type));
        Ctx ctx;
        const int64_t n = 256, m = 24, tokens = 5;
        ggml_tensor *w = ggml_new_tensor_2d(ctx, type, n, m);
        const std::vector<float> w_values = test::random_floats(size_t(n * m), rng);
        ggml_quantize_rows(type, w_values.data(), w->data, m, n);
        ggml_tensor *gate = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, tokens);
        ggml_tensor *up = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, tokens);
        test::fill_uniform(gate, rng, -4.0f, 4.0f);
        test::fill_uniform(up, rng);
        ggml_tensor *fused = ggml_mul_mat(ctx, w, ggml_swiglu(ctx, gate, up));
        ASSERT_EQ(fused->src[1]->op, GGML_OP_QUANTIZE);
        EXPECT_EQ(fused->src[1]->src[0], gate);
        EXPECT_EQ(fused->src[1]->src[1], up);
        ggml_tensor *gated = ggml_swiglu(ctx, gate, up);
        ggml_set_output(gated);
        Planner p0(test::compute(ctx, gated, threads()));
        ASSERT_TRUE(p0);
        ggml_tensor *copy = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, tokens);
        std::memcpy(copy->data, gated->data, ggml_nbytes(copy));
        ggml_tensor *apart = ggml_mul_mat(ctx, w, copy);
        ggml_set_output(fused);
        Planner p1(test::compute(ctx, fused, threads()));
        ASSERT_TRUE(p1);
        Planner p2(test::compute(ctx, apart, threads()));
        ASSERT_TRUE(p2);
        EXPECT_EQ(0, std::memcmp(fused->data, apart->data, ggml_nbytes(fused)));
    }
}

TEST_P(Ops, QuantizeNodeMatchesReferenceBytes) {
    for (ggml_type type : {GGML_TYPE_F16, GGML_TYPE_Q8_0, GGML_TYPE_Q8_1}) {
        Ctx ctx;
        ggml_tensor *a = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, 96, 5);
        test::fill_uniform(a, rng, -2.0f, 2.0f);
        ggml_tensor *q = ggml_quantize(ctx, a, type);
        Planner planner(test::compute(ctx, q, threads()));
        ASSERT_TRUE(planner);
        std::vector<uint8_t> want(ggml_row_size(type, 96) * 5);
        ASSERT_EQ(ggml_quantize_rows(type, static_cast<const float *>(a->data), want.data(), 5, 96),
                  want.size());
        EXPECT_EQ(0, std::memcmp(want.data(), q->data, want.size())) << ggml_type_name(type);
    }
}

TEST_P(Ops, GetRowsDequantizesEveryType) {
    for (ggml_type type : {GGML_TYPE_F32, GGML_TYPE_F16, GGML_TYPE_Q8_0, GGML_TYPE_Q4_0,
                           GGML_TYPE_Q4_1, GGML_TYPE_Q4_Z, GGML_TYPE_Q3_Z, GGML_TYPE_Q4_Z128,
                           GGML_TYPE_Q3_Z128, GGML_TYPE_Q2_Z, GGML_TYPE_Q2_Z128}) {
        Ctx ctx;
        const int64_t n = 256, rows = 11;
        std::vector<float> values = test::random_floats(size_t(n * rows), rng);
        ggml_tensor *table = ggml_new_tensor_2d(ctx, type, n, rows);
        ggml_quantize_rows(type, values.data(), table->data, rows, n);
        ggml_tensor *idx = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, 4);
        const int32_t picks[] = {10, 0, 3, 3};
        std::memcpy(idx->data, picks, sizeof picks);
        std::vector<float> want(static_cast<size_t>(n));
        expect_matches(
            ctx, ggml_get_rows(ctx, table, idx),
            [&](int64_t i0, int64_t i1, int64_t, int64_t) {
                ggml_dequantize_row(
                    type, static_cast<const char *>(table->data) + picks[i1] * table->nb[1],
                    want.data(), n);
                return double(want[size_t(i0)]);
            },
            0.0);
    }
}

TEST_P(Ops, GetColsGathersFromStridedRows) {
    Ctx ctx;
    // a transposed view: rows are strided and elements are not adjacent
    ggml_tensor *base = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, 5, 9, 3);
    test::fill_uniform(base, rng);
    ggml_tensor *a = ggml_transpose(ctx, base); // [9, 5, 3]
    ggml_tensor *idx = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, 12);
    const int32_t picks[12] = {8, 0, 3, 3, 1, 7, 2, 6, 5, 4, 0, 8}; // repeats are allowed
    std::memcpy(idx->data, picks, sizeof picks);
    ggml_tensor *out = ggml_get_cols(ctx, a, idx);
    ASSERT_EQ(out->ne[0], 12);
    ASSERT_EQ(out->ne[1], 5);
    ASSERT_EQ(out->ne[2], 3);
    expect_matches(
        ctx, out,
        [&](int64_t i0, int64_t i1, int64_t i2, int64_t) {
            return get(base, i1, picks[i0], i2); // a[i2][i1][j] = base[i2][j][i1]
        },
        0.0);
}

TEST_P(Ops, HadamardIsTheSignedWalshHadamardMatrixPerBlock) {
    for (const int64_t block : {1, 2, 8, 64}) {
        SCOPED_TRACE("blocks of " + std::to_string(block));
        Ctx ctx;
        const int64_t n = 192; // 3 blocks of 64
        ggml_tensor *a = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, n, 5, 2);
        test::fill_uniform(a, rng);
        ggml_tensor *signs = ggml_new_tensor_2d(ctx, GGML_TYPE_I32, block, n / block);
        auto *s = static_cast<int32_t *>(signs->data);
        for (int64_t i = 0; i < n; i++) s[i] = rng() % 2 ? 1 : -1;
        ggml_tensor *out = ggml_hadamard(ctx, a, signs);
        // Sylvester's H: entry (i, j) is -1 to the number of bits i and j share
        expect_matches(
            ctx, out,
            [&](int64_t i0, int64_t i1, int64_t i2, int64_t) {
                const int64_t first = i0 / block * block;
                double sum = 0.0;
                for (int64_t j = first; j < first + block; j++) {
                    const int shared = __builtin_popcountll(uint64_t((i0 - first) & (j - first)));
                    sum += (shared % 2 ? -1.0 : 1.0) * s[j] * get(a, j, i1, i2);
                }
                return sum / std::sqrt(double(block));
            },
            1e-5);
    }
}

// Reference of mul_mat: a dequantized, b rounded through a's activation type.
struct MulMatCase {
    ggml_type type;
    double tol; // per element of the row
};

// a [K, M, 2] broadcast over b [K, N, 4], b a permuted view with strided rows.
void Ops::expect_mul_mat(ggml_type type, double tol, int64_t K, int64_t M, int64_t N) {
    SCOPED_TRACE(std::string(ggml_type_name(type)) + " K=" + std::to_string(K) +
                 " M=" + std::to_string(M) + " N=" + std::to_string(N));
    Ctx ctx;
    std::vector<float> a_values = test::random_floats(size_t(K * M * 2), rng);
    ggml_tensor *a = ggml_new_tensor_3d(ctx, type, K, M, 2);
    ggml_quantize_rows(type, a_values.data(), a->data, M * 2, K);
    ggml_tensor *b_base = ggml_new_tensor_3d(ctx, GGML_TYPE_F32, K, 4, N);
    test::fill_uniform(b_base, rng);
    ggml_tensor *b = ggml_permute(ctx, b_base, 0, 2, 1, 3);
    ggml_tensor *out = ggml_mul_mat(ctx, a, b);
    ASSERT_EQ(out->ne[0], M);
    ASSERT_EQ(out->ne[1], N);
    ASSERT_EQ(out->ne[2], 4);

    // the activations as the product sees them: converted to a's activation
    // type, or left F32 (large F32/F16 products in OpenBLAS builds)
    const ggml_type act = out->src[1]->type;
    std::vector<float> a_row(static_cast<size_t>(K)), b_row(a_row), b_round(a_row);
    std::vector<uint8_t> b_q(ggml_row_size(act, K));
    expect_matches(
        ctx, out,
        [&](int64_t m, int64_t n, int64_t i2, int64_t) {
            ggml_dequantize_row(
                type, static_cast<const char *>(a->data) + (i2 / 2) * a->nb[2] + m * a->nb[1],
                a_row.data(), K);
            for (int64_t k = 0; k < K; k++) b_row[size_t(k)] = float(get(b, k, n, i2));
            ggml_quantize_rows(act, b_row.data(), b_q.data(), 1, K);
            ggml_dequantize_row(act, b_q.data(), b_round.data(), K);
            double sum = 0.0;
            for (size_t k = 0; k < size_t(K); k++) sum += double(a_row[k]) * b_round[k];
            return sum;
        },
        tol * double(K)); // |products| <= 1: float error grows with K
}

TEST_P(Ops, MulMatEveryWeightTypeWithBroadcastAndStridedActivations) {
    for (MulMatCase c : {MulMatCase{GGML_TYPE_F32, 1e-6}, MulMatCase{GGML_TYPE_F16, 1e-5},
                         MulMatCase{GGML_TYPE_Q8_0, 1e-5}, MulMatCase{GGML_TYPE_Q4_0, 1e-5},
                         MulMatCase{GGML_TYPE_Q4_1, 1e-3}, MulMatCase{GGML_TYPE_Q4_Z, 1e-5},
                         MulMatCase{GGML_TYPE_Q3_Z, 1e-5}, MulMatCase{GGML_TYPE_Q4_Z128, 1e-5},
                         MulMatCase{GGML_TYPE_Q3_Z128, 1e-5}, MulMatCase{GGML_TYPE_Q2_Z, 1e-5},
                         MulMatCase{GGML_TYPE_Q2_Z128, 1e-5}}) {
        const bool is_float = c.type == GGML_TYPE_F32 || c.type == GGML_TYPE_F16;
        const int64_t blocks = ggml_blck_size(c.type) == 128 ? 4 : 1; // of 32 in a block
        expect_mul_mat(c.type, c.tol, is_float ? 37 : 96 * blocks, 7, 5);
        // large enough for whole gemm tiles, and for OpenBLAS in such builds
        expect_mul_mat(c.type, c.tol, is_float ? 70 : 64 * blocks, 67, 33);
    }
}

INSTANTIATE_TEST_SUITE_P(Threads, Ops, ::testing::Values(1, 3),
                         [](const auto &info) { return std::to_string(info.param) + "_threads"; });

} // namespace
