// quantize --rotate (incoherence processing): the rotation of rows and of a
// Hessian is the matrix R it stands for; the rotations of a model are shared
// by the linears that read one input and come from the seed alone; a
// rotated F32 model computes what the model did, with one rotation node per
// input in its graph; GPTQ on rotated weights writes a model that loads and
// runs; and the options that cannot go with it fail with a message.
#include "file_util.h"
#include "forward.h"
#include "gguf_file.h"
#include "llama.h"
#include "model.h"
#include "tensor_util.h"
#include "walsh_hadamard.h"
#include "weight_rotation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <random>

using namespace llama;

namespace {

const std::string MODEL = std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf";
const std::string TOOL = LLAMAZ_QUANTIZE_EXE;
const std::string CALIB = test::data("wikitext-2/wiki.valid.head.tokens");

test::run_result quantize(const std::string &args) { return test::run_tool(TOOL, args); }

// H of order b as ggml_hadamard defines it: F (x) W_p, b = m p, F the Paley
// factor of order m (none when m = 1) and W_p Walsh-Hadamard, whose element
// (j, l) is -1 when j & l has an odd number of bits
int hadamard_element(int64_t b, int64_t r, int64_t c) {
    const int64_t m = ggml::hadamard_factor(b), p = b / m;
    const int f = m == 1 ? 1 : int(ggml::hadamard_factor_matrix(m)[r / p * m + c / p]);
    return __builtin_popcountll(uint64_t((r % p) & (c % p))) % 2 ? -f : f;
}

// R = diag(s) H^T / sqrt(b) per block, as a dense n x n matrix
std::vector<double> dense(const quantize::input_rotation &r) {
    const auto n = int64_t(r.signs.size());
    std::vector<double> m(size_t(n * n), 0.0);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i / r.block * r.block; j < (i / r.block + 1) * r.block; j++)
            m[size_t(i * n + j)] = r.signs[size_t(i)] *
                                   hadamard_element(r.block, j % r.block, i % r.block) /
                                   std::sqrt(double(r.block));
    return m;
}

// Every factor is a Hadamard matrix (F F^T = m I), and the factors of the
// widths of real models are the orders the header names.
TEST(InputRotation, PaleyFactorsAreHadamardMatrices) {
    int factors = 0;
    for (int64_t m = 2; m <= ggml::HADAMARD_MAX_FACTOR; m++) {
        if (ggml::hadamard_factor(m) != m) continue;
        factors++;
        SCOPED_TRACE("order " + std::to_string(m));
        const float *f = ggml::hadamard_factor_matrix(m);
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < m; j++) {
                int dot = 0;
                for (int64_t k = 0; k < m; k++) {
                    ASSERT_EQ(std::fabs(f[i * m + k]), 1.0f);
                    dot += int(f[i * m + k] * f[j * m + k]);
                }
                ASSERT_EQ(dot, i == j ? m : 0) << i << "," << j;
            }
    }
    EXPECT_GE(factors, 20);
    EXPECT_EQ(ggml::hadamard_factor(4096), 1);
    EXPECT_EQ(ggml::hadamard_factor(12), 12);     // Paley I, q = 11
    EXPECT_EQ(ggml::hadamard_factor(6), 0);       // no Hadamard matrix of order 6
    EXPECT_EQ(ggml::hadamard_factor(576), 36);    // SmolLM2's width: Paley II, q = 17
    EXPECT_EQ(ggml::hadamard_factor(1536), 12);   // SmolLM2's hidden size
    EXPECT_EQ(ggml::hadamard_factor(960), 60);    // SmolLM2-360M's: Paley I, q = 59
    EXPECT_EQ(ggml::hadamard_factor(14336), 28);  // Llama 3 8B's hidden size: Paley II, q = 13
    EXPECT_EQ(ggml::hadamard_factor(13824), 108); // Llama 2 13B's: Paley I, q = 107
    EXPECT_EQ(ggml::hadamard_factor(11008), 0);   // Llama 2 7B's, 43 x 256: none up to 256
    EXPECT_EQ(ggml::hadamard_factor(172), 0);
    EXPECT_EQ(ggml_hadamard_factor(576), 36); // the C API says the same
}

class RotationOfBlocks : public ::testing::TestWithParam<std::pair<int64_t, int64_t>> {};

TEST_P(RotationOfBlocks, RowsAndHessianRotateAsTheMatrixDoes) {
    const auto [block, n] = GetParam();
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    quantize::input_rotation r{block, std::vector<int32_t>(size_t(n))};
    for (int32_t &s : r.signs) s = rng() % 2 ? 1 : -1;
    const int64_t rows = 3;
    const std::vector<double> R = dense(r);
    // R is orthogonal (R R^T = I): the factor and the signs are as stated
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) {
            double dot = 0.0;
            for (int64_t k = 0; k < n; k++) dot += R[size_t(i * n + k)] * R[size_t(j * n + k)];
            ASSERT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-12) << i << "," << j;
        }

    std::vector<float> w(size_t(rows * n));
    for (float &v : w) v = float(u(rng));
    std::vector<float> rotated = w;
    r.rotate_rows(rotated.data(), rows);
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < n; j++) {
            double want = 0.0; // (w R)_ij
            for (int64_t k = 0; k < n; k++) want += w[size_t(i * n + k)] * R[size_t(k * n + j)];
            EXPECT_NEAR(rotated[size_t(i * n + j)], want, 1e-5) << i << "," << j;
        }

    // a symmetric h: R^T h R
    std::vector<double> h(size_t(n * n));
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j <= i; j++) h[size_t(i * n + j)] = h[size_t(j * n + i)] = u(rng);
    std::vector<double> hr = h;
    r.rotate_hessian(&hr);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) {
            double want = 0.0;
            for (int64_t a = 0; a < n; a++)
                for (int64_t b = 0; b < n; b++)
                    want += R[size_t(a * n + i)] * h[size_t(a * n + b)] * R[size_t(b * n + j)];
            EXPECT_NEAR(hr[size_t(i * n + j)], want, 1e-12) << i << "," << j;
        }
}

// (block, n): Walsh-Hadamard alone; Paley I (12, 20, 44) and II (28, 36)
// factors alone and times W_2, W_4
INSTANTIATE_TEST_SUITE_P(
    InputRotation, RotationOfBlocks,
    ::testing::Values(std::pair<int64_t, int64_t>{8, 24}, std::pair<int64_t, int64_t>{12, 24},
                      std::pair<int64_t, int64_t>{24, 48}, std::pair<int64_t, int64_t>{20, 40},
                      std::pair<int64_t, int64_t>{28, 28}, std::pair<int64_t, int64_t>{36, 36},
                      std::pair<int64_t, int64_t>{44, 44}, std::pair<int64_t, int64_t>{48, 48}));

// The op's vector butterflies against the scalar reference, bit for bit.
TEST(InputRotation, HadamardOpEqualsTheReferenceExactly) {
    std::mt19937 rng(11);
    // blocks of W alone, then of Paley factors: times runs of 1 and 2 (the
    // reference's butterflies), of 4 and more (the vectors')
    const std::pair<int64_t, int64_t> cases[] = {{2, 768},     {4, 768},   {8, 768},  {16, 768},
                                                 {64, 768},    {256, 768}, {12, 768}, {24, 768},
                                                 {48, 768},    {768, 768}, {36, 576}, {576, 576},
                                                 {1536, 3072}, {60, 960},  {28, 896}, {112, 896}};
    for (const auto &[block, n] : cases) {
        SCOPED_TRACE("blocks of " + std::to_string(block) + " in " + std::to_string(n));
        ggml_context *ctx = ggml_init({16 << 20, nullptr, false});
        const int64_t rows = 3;
        ggml_tensor *a = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, rows);
        test::fill_uniform(a, rng);
        ggml_tensor *signs = ggml_new_tensor_2d(ctx, GGML_TYPE_I32, block, n / block);
        auto *s = static_cast<int32_t *>(signs->data);
        for (int64_t i = 0; i < n; i++) s[i] = rng() % 2 ? 1 : -1;
        ggml_tensor *out = ggml_hadamard(ctx, a, signs);
        ggml_planner *planner = test::compute(ctx, out, 2);
        ASSERT_NE(planner, nullptr);
        for (int64_t r = 0; r < rows; r++) {
            std::vector<float> want(static_cast<const float *>(a->data) + r * n,
                                    static_cast<const float *>(a->data) + (r + 1) * n);
            ggml::rotate_blocks(want.data(), n, s, block);
            const auto *got = static_cast<const float *>(out->data) + r * n;
            for (int64_t i = 0; i < n; i++) ASSERT_EQ(got[i], want[size_t(i)]) << r << "," << i;
        }
        ggml_planner_free(planner);
        ggml_free(ctx);
    }
}

// A product with a quantized weight rotates its input in the conversion
// to the activation type: no ggml_hadamard node runs, and the result is bit
// for bit that of the rotated input computed apart.
TEST(InputRotation, ProductRotatesInTheActivationConversion) {
    std::mt19937 rng(5);
    ggml_context *ctx = ggml_init({16 << 20, nullptr, false});
    const int64_t n = 256, m = 24, tokens = 5;
    ggml_tensor *w = ggml_new_tensor_2d(ctx, GGML_TYPE_Q4_0, n, m);
    const std::vector<float> w_values = test::random_floats(size_t(n * m), rng);
    ggml_quantize_rows(GGML_TYPE_Q4_0, w_values.data(), w->data, m, n);
    ggml_tensor *x = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, tokens);
    test::fill_uniform(x, rng);
    ggml_tensor *signs = ggml_new_tensor_2d(ctx, GGML_TYPE_I32, 64, n / 64);
    for (int64_t i = 0; i < n; i++) static_cast<int32_t *>(signs->data)[i] = rng() % 2 ? 1 : -1;
    ggml_tensor *fused = ggml_mul_mat(ctx, w, ggml_hadamard(ctx, x, signs));
    ASSERT_EQ(fused->src[1]->op, GGML_OP_QUANTIZE);
    EXPECT_EQ(fused->src[1]->src[0], x);
    EXPECT_EQ(fused->src[1]->src[1], signs);
    ggml_tensor *rotated = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, n, tokens);
    for (int64_t t = 0; t < tokens; t++) {
        float *row = static_cast<float *>(rotated->data) + t * n;
        std::copy_n(static_cast<const float *>(x->data) + t * n, n, row);
        ggml::rotate_blocks(row, n, static_cast<const int32_t *>(signs->data), 64);
    }
    ggml_tensor *apart = ggml_mul_mat(ctx, w, rotated);
    ggml_planner *p1 = test::compute(ctx, fused, 2), *p2 = test::compute(ctx, apart, 2);
    ASSERT_TRUE(p1 && p2);
    for (int64_t i = 0; i < m * tokens; i++)
        ASSERT_EQ(static_cast<const float *>(fused->data)[i],
                  static_cast<const float *>(apart->data)[i])
            << i;
    ggml_planner_free(p1);
    ggml_planner_free(p2);
    ggml_free(ctx);
}

// Files without llamaz.rotation.factor (factor 1): powers of two, as before
// the factors; with it, the largest divisor with a factor up to the key's.
TEST(InputRotation, BlockIsTheLargestDivisorUpToTheMaximumsWithAMatrix) {
    EXPECT_EQ(llama::rotation_block(576, 64, 1), 64); // SmolLM2's width, 9 x 64
    EXPECT_EQ(llama::rotation_block(4096, 64, 1), 64);
    EXPECT_EQ(llama::rotation_block(4096, 256, 1), 256);
    EXPECT_EQ(llama::rotation_block(96, 64, 1), 32);
    EXPECT_EQ(llama::rotation_block(172, 64, 1), 4); // stories260K's ffn_down
    EXPECT_EQ(llama::rotation_block(7, 64, 1), 1);
    EXPECT_EQ(llama::rotation_block(576, 1 << 16, 1), 64);
    EXPECT_EQ(llama::rotation_block(576, 1 << 16, 256), 576); // 36 x 16
    EXPECT_EQ(llama::rotation_block(576, 1 << 16, 12), 192);  // 12 x 16
    EXPECT_EQ(llama::rotation_block(576, 256, 256), 192);
    EXPECT_EQ(llama::rotation_block(1536, 1 << 16, 256), 1536);
    EXPECT_EQ(llama::rotation_block(11008, 1 << 16, 256), 256); // 43 x 256: no factor of 43
    EXPECT_EQ(llama::rotation_block(172, 1 << 16, 256), 4);
    EXPECT_EQ(llama::rotation_block(7, 1 << 16, 256), 1);
}

TEST(InputRotation, OnePerInputFromTheSeed) {
    std::string error;
    const std::unique_ptr<gguf_file> f = gguf_file::open(MODEL, &error);
    ASSERT_NE(f, nullptr) << error;
    const quantize::model_rotations a(*f, 1), b(*f, 1), c(*f, 2);
    const quantize::input_rotation *q = a.of("blk.0.attn_q.weight");
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->block, 64);
    EXPECT_EQ(q, a.of("blk.0.attn_k.weight"));
    EXPECT_EQ(q, a.of("blk.0.attn_v.weight"));
    EXPECT_EQ(a.of("blk.0.ffn_gate.weight"), a.of("blk.0.ffn_up.weight"));
    EXPECT_NE(q, a.of("blk.0.attn_output.weight"));
    EXPECT_NE(q->signs, a.of("blk.1.attn_q.weight")->signs);
    EXPECT_EQ(a.of("blk.4.ffn_down.weight")->block, 4);
    EXPECT_EQ(a.of("token_embd.weight"), nullptr);
    EXPECT_EQ(q->signs, b.of("blk.0.attn_q.weight")->signs);
    EXPECT_NE(q->signs, c.of("blk.0.attn_q.weight")->signs);
    int minus = 0;
    for (int32_t s : q->signs) minus += s == -1;
    EXPECT_GT(minus, 16); // about half of 64
    EXPECT_LT(minus, 48);

    // the loader's signs are the quantizer's
    EXPECT_EQ(q->signs, llama::rotation_signs(1, 0, llama::layer_input::attn, 64));
    EXPECT_EQ(a.of("blk.3.ffn_down.weight")->signs,
              llama::rotation_signs(1, 3, llama::layer_input::ffn_down, 172));

    const std::vector<quantize::added_key> keys = a.keys();
    ASSERT_EQ(keys.size(), 3u);
    EXPECT_EQ(keys[0].key, "llamaz.rotation.seed");
    EXPECT_EQ(keys[0].value, 1u);
    EXPECT_EQ(keys[1].key, "llamaz.rotation.block");
    EXPECT_EQ(keys[1].value, 64u);
    EXPECT_EQ(keys[2].key, "llamaz.rotation.factor");
    EXPECT_EQ(keys[2].value, 256u);
    EXPECT_TRUE(quantize::model_rotations().keys().empty());
}

struct model_deleter {
    void operator()(llama_model *m) const { llama_model_free(m); }
};
using model_ptr = std::unique_ptr<llama_model, model_deleter>;

// The logits of every position of a few tokens, with an F32 KV cache (in
// F16 a rotated model's keys and values can round apart by an F16 step).
std::vector<float> logits(const std::string &path) {
    const model_ptr model(llama_model_load(path.c_str()));
    EXPECT_NE(model, nullptr) << path << ": " << llama_last_error();
    if (!model) return {};
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = 32;
    cp.n_threads = 2;
    cp.all_logits = true;
    cp.kv_type = GGML_TYPE_F32;
    llama_context *ctx = llama_context_new(model.get(), cp);
    EXPECT_NE(ctx, nullptr) << llama_last_error();
    std::vector<llama_token> tokens = {1, 403, 407, 261, 378, 429, 375, 260, 430, 275, 3, 89};
    EXPECT_EQ(llama_decode(ctx, tokens.data(), int32_t(tokens.size())), 0) << llama_last_error();
    const int32_t n_vocab = llama_n_vocab(model.get());
    std::vector<float> out;
    for (size_t i = 0; i < tokens.size(); i++) {
        const float *l = llama_get_logits_ith(ctx, int32_t(i));
        out.insert(out.end(), l, l + n_vocab);
    }
    llama_context_free(ctx);
    return out;
}

TEST(QuantizeRotate, RotatedFloatModelComputesTheSameLogits) {
    test::temp_dir dir;
    const std::string out = dir.file("rotated.gguf");
    test::run_result r = quantize(MODEL + " " + out + " F32 --rotate --rotate-seed 5");
    ASSERT_EQ(r.status, 0) << r.output;
    r = quantize(MODEL + " " + dir.file("plain.gguf") + " F32");
    ASSERT_EQ(r.status, 0) << r.output;
    const auto size = std::filesystem::file_size(out),
               plain = std::filesystem::file_size(dir.file("plain.gguf"));
    EXPECT_GT(size, plain);
    EXPECT_LE(size, plain + 160); // three keys (and the alignment after them)

    std::string error;
    const std::unique_ptr<gguf_file> f = gguf_file::open(out, &error),
                                     src = gguf_file::open(MODEL, &error);
    ASSERT_TRUE(f && src) << error;
    // the weights changed: a row keeps its norm, not its values; the
    // rotation is in the keys
    const gguf_tensor &w = *f->find_tensor("blk.2.ffn_up.weight"),
                      &w0 = *src->find_tensor("blk.2.ffn_up.weight");
    ASSERT_EQ(w.type, GGML_TYPE_F32);
    const auto *a = static_cast<const float *>(w.data), *b = static_cast<const float *>(w0.data);
    double diff = 0.0, norm = 0.0, norm0 = 0.0;
    for (int64_t i = 0; i < 64; i++) {
        diff += (a[i] - b[i]) * (a[i] - b[i]);
        norm += a[i] * a[i];
        norm0 += b[i] * b[i];
    }
    EXPECT_GT(diff, 0.5 * norm0);
    EXPECT_NEAR(norm, norm0, 1e-5 * norm0);
    std::string key_error;
    EXPECT_EQ(gguf_get_uint(*f, "llamaz.rotation.seed", &key_error), 5u) << key_error;
    EXPECT_EQ(gguf_get_uint(*f, "llamaz.rotation.block", &key_error), 64u) << key_error;
    EXPECT_EQ(gguf_get_uint(*f, "llamaz.rotation.factor", &key_error), 256u) << key_error;

    const std::vector<float> want = logits(MODEL), got = logits(out);
    ASSERT_EQ(got.size(), want.size());
    double worst = 0.0;
    for (size_t i = 0; i < want.size(); i++)
        worst = std::max(worst, double(std::fabs(got[i] - want[i])));
    EXPECT_LT(worst, 1e-4);

    // q, k and v share a rotation, gate and up another: 4 rotations a layer
    const model_ptr model(llama_model_load(out.c_str()));
    ASSERT_NE(model, nullptr) << llama_last_error();
    EXPECT_EQ(model->layers[1].wq.input_signs, model->layers[1].wv.input_signs);
    kv_cache kv;
    ASSERT_TRUE(kv.init(model->hp, 16, GGML_TYPE_F32, &error)) << error;
    ggml_context *gctx = ggml_init({64 << 20, nullptr, true});
    const forward_graph fg = build_forward(gctx, *model, kv, 4, true);
    int rotations = 0; // F32 products take F32 inputs: the op runs
    for (int i = 0; i < ggml_graph_n_nodes(fg.graph); i++)
        rotations += ggml_graph_node(fg.graph, i)->op == GGML_OP_HADAMARD;
    EXPECT_EQ(rotations, 4 * 5);
    ggml_free(gctx);

    // quantized, the products rotate in their activation conversion
    ASSERT_EQ(quantize(out + " " + dir.file("q4_0.gguf") + " Q4_0").status, 0);
    const model_ptr q(llama_model_load(dir.file("q4_0.gguf").c_str()));
    ASSERT_NE(q, nullptr) << llama_last_error();
    gctx = ggml_init({64 << 20, nullptr, true});
    const forward_graph qg = build_forward(gctx, *q, kv, 4, true);
    int hadamards = 0, rotating = 0;
    for (int i = 0; i < ggml_graph_n_nodes(qg.graph); i++) {
        const ggml_tensor *node = ggml_graph_node(qg.graph, i);
        hadamards += node->op == GGML_OP_HADAMARD;
        rotating += node->op == GGML_OP_QUANTIZE && node->src[1] != nullptr;
    }
    EXPECT_EQ(hadamards, 0);
    EXPECT_EQ(rotating, 4 * 5);
    ggml_free(gctx);
}

// A real model whose widths are not powers of two: SmolLM2-135M (576 = 36 x
// 16, 1536 = 12 x 128) rotates whole rows through Paley factors, and its
// rotated F32 computes the logits of the F32.
TEST(QuantizeRotate, PaleyBlocksOfARealModelComputeTheSameLogits) {
    std::string where;
    const std::string smollm2 = test::fetched_model("SmolLM2-135M-Instruct.Q4_1.gguf", &where);
    if (smollm2.empty()) GTEST_SKIP() << where << " is missing (scripts/get-models.sh)";
    test::temp_dir dir;
    const std::string f32 = dir.file("f32.gguf"), rotated = dir.file("rotated.gguf");
    test::run_result r = quantize(smollm2 + " " + f32 + " F32 --allow-requantize -t 2");
    ASSERT_EQ(r.status, 0) << r.output;
    r = quantize(f32 + " " + rotated + " F32 --rotate --rotate-block 65536 -t 2");
    ASSERT_EQ(r.status, 0) << r.output;
    std::string error, key_error;
    const std::unique_ptr<gguf_file> f = gguf_file::open(rotated, &error);
    ASSERT_NE(f, nullptr) << error;
    EXPECT_EQ(gguf_get_uint(*f, "llamaz.rotation.block", &key_error), 65536u) << key_error;
    const model_ptr model(llama_model_load(rotated.c_str()));
    ASSERT_NE(model, nullptr) << llama_last_error();
    const layer &l = model->layers[3];
    ASSERT_TRUE(l.wq.input_signs && l.w_down.input_signs);
    EXPECT_EQ(l.wq.input_signs->ne[0], 576);
    EXPECT_EQ(l.w_down.input_signs->ne[0], 1536);

    const std::vector<float> want = logits(f32), got = logits(rotated);
    ASSERT_EQ(got.size(), want.size());
    double worst = 0.0, largest = 0.0;
    for (size_t i = 0; i < want.size(); i++) {
        worst = std::max(worst, double(std::fabs(got[i] - want[i])));
        largest = std::max(largest, double(std::fabs(want[i])));
    }
    EXPECT_LT(worst, 1e-5 * largest + 1e-3) << "largest logit " << largest;
}

// KL divergence of b's next-token distributions from a's, averaged
double mean_kl(const std::vector<float> &a, const std::vector<float> &b, int64_t n_vocab) {
    double kl = 0.0;
    const auto n = int64_t(a.size()) / n_vocab;
    for (int64_t t = 0; t < n; t++) {
        const float *p = &a[size_t(t * n_vocab)], *q = &b[size_t(t * n_vocab)];
        double mp = p[0], mq = q[0], sp = 0.0, sq = 0.0;
        for (int64_t v = 0; v < n_vocab; v++)
            mp = std::max(mp, double(p[v])), mq = std::max(mq, double(q[v]));
        for (int64_t v = 0; v < n_vocab; v++) sp += std::exp(p[v] - mp), sq += std::exp(q[v] - mq);
        for (int64_t v = 0; v < n_vocab; v++) {
            const double lp = p[v] - mp - std::log(sp), lq = q[v] - mq - std::log(sq);
            kl += std::exp(lp) * (lp - lq);
        }
    }
    return kl / double(n);
}

TEST(QuantizeRotate, GptqOnRotatedWeightsStaysCloseToTheModel) {
    test::temp_dir dir;
    const std::string rotated = dir.file("gptq-rotated.gguf"), rtn = dir.file("rtn.gguf");
    // from F16, whose weights GPTQ decodes into its own buffer first
    test::run_result r = quantize(MODEL + " " + dir.file("f16.gguf") + " F16");
    ASSERT_EQ(r.status, 0) << r.output;
    r = quantize(dir.file("f16.gguf") + " " + rotated + " Q4_0 -t 2 --rotate --gptq --calib " +
                 CALIB + " --calib-chunks 16 --calib-ctx 128");
    ASSERT_EQ(r.status, 0) << r.output;
    r = quantize(MODEL + " " + rtn + " Q4_0 -t 2");
    ASSERT_EQ(r.status, 0) << r.output;
    std::string error;
    const std::unique_ptr<gguf_file> f = gguf_file::open(rotated, &error);
    ASSERT_NE(f, nullptr) << error;
    EXPECT_EQ(f->find_tensor("blk.0.attn_q.weight")->type, GGML_TYPE_Q4_0);
    std::string key_error;
    EXPECT_EQ(gguf_get_uint(*f, "llamaz.rotation.seed", &key_error), 0u) << key_error;

    const std::vector<float> want = logits(MODEL);
    const double kl_rotated = mean_kl(want, logits(rotated), 512),
                 kl_rtn = mean_kl(want, logits(rtn), 512);
    std::printf("[ Q4_0 ] KL divergence from F32 over 12 tokens: round-to-nearest %.5f, "
                "GPTQ rotated %.5f\n",
                kl_rtn, kl_rotated);
    EXPECT_LT(kl_rotated, kl_rtn);
}

TEST(QuantizeRotate, RefusesWhatItCannotRotate) {
    test::temp_dir dir;
    const std::string out = dir.file("out.gguf"), rotated = dir.file("rotated.gguf");
    test::run_result r = quantize(MODEL + " " + rotated + " F32 --rotate");
    ASSERT_EQ(r.status, 0) << r.output;
    test::expect_failure(
        quantize(MODEL + " " + out + " Q4_Z --rotate --imatrix " + dir.file("x.dat")),
        "--rotate and --imatrix do not go together", out, "--imatrix");
    test::expect_failure(quantize(MODEL + " " + out + " Q4_0 --rotate-seed 3"),
                         "--rotate-seed is an option of --rotate", out, "--rotate-seed");
    test::expect_failure(quantize(MODEL + " " + out + " Q4_0 --rotate-block 256"),
                         "--rotate-block is an option of --rotate", out, "--rotate-block");
    test::expect_failure(quantize(MODEL + " " + out + " Q4_0 --rotate --rotate-block 0"), "0", out,
                         "--rotate-block 0");
    test::expect_failure(quantize(rotated + " " + out + " Q4_0 --rotate"),
                         "the model stores rotated inputs already (quantize --rotate)", out,
                         "twice");
    test::expect_failure(quantize(rotated + " " + out + " Q4_0 --gptq --calib " + CALIB),
                         "the model stores rotated inputs already (quantize --rotate)", out,
                         "gptq");
    // without --rotate, a rotated model quantizes as any other, its signs
    // kept: Q8_0 stays close to the model (read unrotated, the weights
    // would be noise)
    r = quantize(rotated + " " + out + " Q8_0");
    ASSERT_EQ(r.status, 0) << r.output;
    std::string error;
    const std::unique_ptr<gguf_file> f = gguf_file::open(out, &error);
    ASSERT_NE(f, nullptr) << error;
    std::string key_error;
    EXPECT_EQ(gguf_get_uint(*f, "llamaz.rotation.seed", &key_error), 0u) << key_error;
    EXPECT_LT(mean_kl(logits(MODEL), logits(out), 512), 0.01);
}

} // namespace
