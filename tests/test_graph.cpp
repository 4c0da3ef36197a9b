// The graph machinery: buffer reuse changes nothing, thread counts change
// nothing, the planner really reuses memory but never a result's, and a
// graph refuses more tensors than it holds.
#include "tensor_util.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

// A small llama-like block: norm, three projections, rope, attention,
// SwiGLU, residuals. Returns the output; inputs are filled from the seed.
ggml_tensor *build_block(ggml_context *ctx, int seed) {
    std::mt19937 rng(seed);
    const int64_t dim = 64, n_head = 4, head = dim / n_head, n_tok = 7, hidden = 96;
    auto weight = [&](ggml_type type, int64_t in, int64_t out) {
        std::vector<float> v = test::random_floats(size_t(in * out), rng, -0.2f, 0.2f);
        ggml_tensor *w = ggml_new_tensor_2d(ctx, type, in, out);
        ggml_quantize_rows(type, v.data(), w->data, out, in);
        return w;
    };
    ggml_tensor *x = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, dim, n_tok);
    test::fill_uniform(x, rng);
    ggml_tensor *pos = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, n_tok);
    for (int i = 0; i < n_tok; i++) test::set(pos, i, i);
    ggml_tensor *norm_w = ggml_new_tensor_1d(ctx, GGML_TYPE_F32, dim);
    test::fill_uniform(norm_w, rng, 0.5f, 1.5f);

    ggml_tensor *h = ggml_mul(ctx, ggml_rms_norm(ctx, x, 1e-5f), norm_w);
    ggml_tensor *q = ggml_mul_mat(ctx, weight(GGML_TYPE_Q4_Z, dim, dim), h);
    ggml_tensor *k = ggml_mul_mat(ctx, weight(GGML_TYPE_Q4_0, dim, dim), h);
    ggml_tensor *v = ggml_mul_mat(ctx, weight(GGML_TYPE_F16, dim, dim), h);
    q = ggml_rope(ctx, ggml_reshape_3d(ctx, q, head, n_head, n_tok), pos, int(head), 10000.0f);
    k = ggml_rope(ctx, ggml_reshape_3d(ctx, k, head, n_head, n_tok), pos, int(head), 10000.0f);
    ggml_tensor *qp = ggml_permute(ctx, q, 0, 2, 1, 3); // [head, tok, n_head]
    ggml_tensor *kp = ggml_cont(ctx, ggml_permute(ctx, k, 0, 2, 1, 3));
    ggml_tensor *kq = ggml_soft_max(ctx, ggml_mul_mat(ctx, kp, qp), 0.25f, true, 0);
    ggml_tensor *vt = ggml_cont(ctx, ggml_permute(ctx, ggml_reshape_3d(ctx, v, head, n_head, n_tok),
                                                  1, 2, 0, 3)); // [tok, head, n_head]
    ggml_tensor *att = ggml_mul_mat(ctx, vt, kq);               // [head, tok, n_head]
    att = ggml_cont(ctx, ggml_permute(ctx, att, 0, 2, 1, 3));   // [head, n_head, tok]
    ggml_tensor *o =
        ggml_mul_mat(ctx, weight(GGML_TYPE_Q8_0, dim, dim), ggml_reshape_2d(ctx, att, dim, n_tok));
    ggml_tensor *r = ggml_add(ctx, x, o);
    ggml_tensor *gate = ggml_mul_mat(ctx, weight(GGML_TYPE_Q3_Z, dim, hidden), r);
    ggml_tensor *up = ggml_mul_mat(ctx, weight(GGML_TYPE_Q4_1, dim, hidden), r);
    ggml_tensor *down =
        ggml_mul_mat(ctx, weight(GGML_TYPE_F32, hidden, dim), ggml_swiglu(ctx, gate, up));
    return ggml_scale(ctx, ggml_add(ctx, r, down), 0.5f);
}

std::vector<float> run_block(int n_threads, bool reuse, size_t *graph_bytes = nullptr) {
    ggml_context *ctx = ggml_init({16 << 20, nullptr, false});
    ggml_tensor *out = build_block(ctx, 42);
    ggml_planner *planner = test::compute(ctx, out, n_threads, reuse);
    EXPECT_NE(planner, nullptr);
    std::vector<float> result(size_t(ggml_nelements(out)));
    std::memcpy(result.data(), out->data, result.size() * sizeof(float));
    if (graph_bytes) *graph_bytes = ggml_planner_graph_bytes(planner);
    ggml_planner_free(planner);
    ggml_free(ctx);
    return result;
}

TEST(Graph, BufferReuseGivesBitIdenticalResultsInLessMemory) {
    size_t bytes_reuse = 0, bytes_plain = 0;
    const std::vector<float> reused = run_block(1, true, &bytes_reuse);
    const std::vector<float> plain = run_block(1, false, &bytes_plain);
    ASSERT_EQ(reused.size(), plain.size());
    EXPECT_EQ(0, std::memcmp(reused.data(), plain.data(), reused.size() * sizeof(float)));
    EXPECT_LT(bytes_reuse, bytes_plain / 2) << "the planner should reuse most of the memory";
}

// (Repeated, with the planner reusing memory: a race between the threads
// shows only now and then.)
TEST(Graph, ResultsAreBitIdenticalForOneToFourThreads) {
    const std::vector<float> one = run_block(1, true);
    for (int n : {2, 3, 4})
        for (int run = 0; run < 20; run++) {
            const std::vector<float> many = run_block(n, true);
            ASSERT_EQ(0, std::memcmp(one.data(), many.data(), one.size() * sizeof(float)))
                << n << " threads, run " << run;
        }
}

// A node that depends on nothing before it may still be given the memory of
// a tensor an earlier node reads (its last reader): no thread may start it
// while that reader runs. Here b, independent of the product a, gets the
// memory of t, which a reads. (A runner that started b as soon as it found
// no dependency on a's output failed this within 20 runs.)
TEST(Graph, ANodeWaitsBeforeOverwritingWhatAnEarlierNodeReads) {
    const int64_t n = 512, m = 64;
    std::vector<float> want;
    for (int n_threads : {1, 2, 4})
        for (int run = 0; run < (n_threads == 1 ? 1 : 20); run++) {
            ggml_context *ctx = ggml_init({16 << 20, nullptr, false});
            std::mt19937 rng(5);
            ggml_tensor *x = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, m);
            ggml_tensor *y = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, m);
            ggml_tensor *w = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, n);
            for (ggml_tensor *in : {x, y, w}) test::fill_uniform(in, rng);
            ggml_tensor *t = ggml_scale(ctx, x, 1.5f);
            ggml_tensor *a = ggml_mul_mat(ctx, w, t);
            ggml_tensor *b = ggml_scale(ctx, y, 3.0f);
            ggml_tensor *out = ggml_add(ctx, a, b);
            ggml_planner *planner = test::compute(ctx, out, n_threads);
            ASSERT_NE(planner, nullptr);
            ASSERT_EQ(b->data, t->data) << "the planner no longer gives b the memory of t";
            const auto *o = static_cast<const float *>(out->data);
            if (n_threads == 1) want.assign(o, o + n * m);
            ASSERT_EQ(0, std::memcmp(want.data(), o, want.size() * sizeof(float)))
                << n_threads << " threads, run " << run;
            ggml_planner_free(planner);
            ggml_free(ctx);
        }
}

TEST(Graph, ThreadPoolIsReusedAcrossManyGraphs) {
    ggml_context *ctx = ggml_init({16 << 20, nullptr, false});
    ggml_tensor *out = build_block(ctx, 7);
    ggml_cgraph *g = ggml_new_graph(ctx);
    ggml_build_forward_expand(g, out);
    ggml_planner *planner = ggml_planner_new(true);
    ASSERT_TRUE(ggml_planner_alloc_graph(planner, g));
    ggml_threadpool *pool = ggml_threadpool_new(3);
    ggml_graph_compute(g, pool);
    std::vector<float> first(static_cast<float *>(out->data),
                             static_cast<float *>(out->data) + ggml_nelements(out));
    for (int i = 0; i < 200; i++) ggml_graph_compute(g, pool);
    EXPECT_EQ(0, std::memcmp(first.data(), out->data, first.size() * sizeof(float)));
    ggml_threadpool_free(pool);
    ggml_planner_free(planner);
    ggml_free(ctx);
}

TEST(Graph, LeafWithoutDataIsRefused) {
    ggml_context *ctx = ggml_init({1 << 20, nullptr, true});
    ggml_tensor *a = ggml_new_tensor_1d(ctx, GGML_TYPE_F32, 8);
    ggml_set_name(a, "weights_not_loaded");
    ggml_cgraph *g = ggml_new_graph(ctx);
    ggml_build_forward_expand(g, ggml_scale(ctx, a, 2.0f));
    ggml_planner *planner = ggml_planner_new(true);
    EXPECT_FALSE(ggml_planner_alloc_graph(planner, g));
    ggml_planner_free(planner);
    ggml_free(ctx);
}

TEST(Graph, InputLeafsArePlacedByThePlanner) {
    ggml_context *ctx = ggml_init({1 << 20, nullptr, true});
    ggml_tensor *a = ggml_new_tensor_1d(ctx, GGML_TYPE_F32, 8);
    ggml_set_input(a);
    ggml_tensor *out = ggml_scale(ctx, a, 2.0f);
    ggml_cgraph *g = ggml_new_graph(ctx);
    ggml_build_forward_expand(g, out);
    ggml_planner *planner = ggml_planner_new(true);
    ASSERT_TRUE(ggml_planner_alloc_graph(planner, g));
    ASSERT_NE(a->data, nullptr);
    for (int i = 0; i < 8; i++) static_cast<float *>(a->data)[i] = float(i);
    ggml_graph_compute(g, nullptr);
    for (int i = 0; i < 8; i++) EXPECT_EQ(static_cast<float *>(out->data)[i], 2.0f * float(i));
    ggml_planner_free(planner);
    ggml_free(ctx);
}

TEST(Graph, AResultReachedOnlyThroughAViewIsKept) {
    ggml_context *ctx = ggml_init({1 << 20, nullptr, true});
    ggml_tensor *a = ggml_new_tensor_1d(ctx, GGML_TYPE_F32, 8);
    ggml_set_input(a);
    // the result is a reshape nobody reads; nodes placed after it must not
    // take its root's memory
    ggml_tensor *r = ggml_reshape_2d(ctx, ggml_scale(ctx, a, 2.0f), 4, 2);
    ggml_tensor *later = ggml_scale(ctx, ggml_scale(ctx, ggml_scale(ctx, a, 3.0f), 5.0f), 7.0f);
    ggml_cgraph *g = ggml_new_graph(ctx);
    ggml_build_forward_expand(g, r);
    ggml_build_forward_expand(g, later);
    ggml_planner *planner = ggml_planner_new(true);
    ASSERT_TRUE(ggml_planner_alloc_graph(planner, g));
    for (int i = 0; i < 8; i++) static_cast<float *>(a->data)[i] = float(i + 1);
    ggml_graph_compute(g, nullptr);
    for (int i = 0; i < 8; i++)
        EXPECT_EQ(static_cast<float *>(r->data)[i], 2.0f * float(i + 1)) << i;
    ggml_planner_free(planner);
    ggml_free(ctx);
}

TEST(GraphDeathTest, AChainLongerThanTheGraphIsRefused) {
    ggml_context *ctx = ggml_init({1 << 20, nullptr, true});
    ggml_tensor *t = ggml_new_tensor_1d(ctx, GGML_TYPE_F32, 8);
    for (int i = 0; i < 8; i++) t = ggml_scale(ctx, t, 2.0f);
    ggml_cgraph *g = ggml_new_graph_custom(ctx, 4);
    EXPECT_DEATH(ggml_build_forward_expand(g, t), "graph is full");
    ggml_free(ctx);
}

} // namespace
