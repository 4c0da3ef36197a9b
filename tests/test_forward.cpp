// The float32 forward pass against golden outputs of other implementations:
// llama2.c's greedy continuations and float64 reference logits, both from our
// converted stories260K and from the GGUF file llama.cpp wrote.
#include "file_util.h"
#include "llama.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

struct ModelFile {
    const char *label;
    std::string path;
};

std::vector<ModelFile> model_files() {
    return {{"converted_by_us", std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf"},
            {"written_by_llama_cpp", test::data("gguf/stories260K-f32.gguf")}};
}

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string rstrip_newlines(std::string s) {
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
}

// The C API refuses what would write out of bounds or crash.
TEST(LlamaApi, BadArgumentsAreRefusedNotFollowed) {
    llama_model *model = llama_model_load(model_files()[0].path.c_str());
    ASSERT_NE(model, nullptr) << llama_last_error();
    llama_token tokens[4] = {-7, -7, -7, -7};
    EXPECT_LT(llama_tokenize(model, "Once upon a time", -1, tokens, -1, true, false), 0);
    EXPECT_EQ(tokens[0], -7) << "nothing written for a negative n_max";
    char buf[4] = "xyz";
    EXPECT_LT(llama_token_to_piece(model, 0, 300, buf, -1, false), 0);
    EXPECT_STREQ(buf, "xyz");

    EXPECT_EQ(llama_context_new(nullptr, llama_context_default_params()), nullptr);
    llama_context_params p = llama_context_default_params();
    p.n_ctx = 3000000000u;
    EXPECT_EQ(llama_context_new(model, p), nullptr);
    EXPECT_NE(std::string(llama_last_error()).find("n_ctx"), std::string::npos)
        << llama_last_error();

    llama_sampler *smpl = llama_sampler_new(llama_sampler_default_params());
    EXPECT_EQ(llama_sampler_sample(smpl, nullptr, 0), -1);
    // a repeat penalty of 0 is off, not a certainty of repeating
    llama_sampler_params sp = llama_sampler_default_params();
    sp.temp = 0.0f;
    sp.repeat_penalty = 0.0f;
    llama_sampler *greedy = llama_sampler_new(sp);
    const float logits[3] = {1.0f, 3.0f, 2.0f};
    llama_sampler_accept(greedy, 0);
    EXPECT_EQ(llama_sampler_sample(greedy, logits, 3), 1);
    llama_sampler_free(greedy);
    llama_sampler_free(smpl);
    llama_model_free(model);
}

class Forward : public ::testing::TestWithParam<ModelFile> {
  public:
    void SetUp() override {
        model = llama_model_load(GetParam().path.c_str());
        ASSERT_NE(model, nullptr) << llama_last_error();
    }
    void TearDown() override { llama_model_free(model); }

    llama_context *new_context(uint32_t n_batch, bool all_logits) {
        llama_context_params p = llama_context_default_params();
        p.n_ctx = 512; // longer than the 128 llama.cpp's file claims: the model was trained on 512
        p.n_batch = n_batch;
        p.kv_type = GGML_TYPE_F32;
        p.all_logits = all_logits;
        p.n_threads = 2;
        return llama_context_new(model, p);
    }

    std::string piece(llama_token prev, llama_token token) {
        char buf[64];
        const int32_t n = llama_token_to_piece(model, prev, token, buf, sizeof buf, false);
        EXPECT_GE(n, 0);
        return std::string(buf, size_t(std::max(n, 0)));
    }

    llama_model *model = nullptr;
};

// llama2.c's `run` with steps = 200 and temperature 0: it feeds the prompt
// token by token, then the argmax, printing the piece of every token after
// BOS, for positions 0..199, stopping early if it samples BOS.
std::string greedy_like_llama2c(Forward &t, llama_context *ctx, const std::string &prompt) {
    llama_model *model = t.model;
    std::vector<llama_token> tokens(prompt.size() + 2);
    const int32_t n = llama_tokenize(model, prompt.c_str(), -1, tokens.data(),
                                     int32_t(tokens.size()), true, false);
    EXPECT_GT(n, 1);
    tokens.resize(size_t(n));
    std::string text;
    for (size_t i = 1; i < tokens.size(); i++) text += t.piece(tokens[i - 1], tokens[i]);
    EXPECT_EQ(llama_decode(ctx, tokens.data(), n), 0) << llama_last_error();
    const int steps = 200;
    llama_token prev = tokens.back();
    for (int pos = n - 1; pos < steps; pos++) {
        const float *logits = llama_get_logits(ctx);
        const llama_token next =
            llama_token(std::max_element(logits, logits + llama_n_vocab(model)) - logits);
        if (next == llama_token_bos(model)) break;
        text += t.piece(prev, next);
        prev = next;
        if (pos + 1 < steps) {
            EXPECT_EQ(llama_decode(ctx, &next, 1), 0) << llama_last_error();
        }
    }
    return text;
}

TEST_P(Forward, GreedyContinuationsMatchLlama2c) {
    const std::pair<const char *, const char *> cases[] = {
        {"once_upon_a_time", "Once upon a time"},
        {"the_cat", "The cat"},
        {"lily_and_ben_went_to_the_park", "Lily and Ben went to the park"},
    };
    for (const auto &[file, prompt] : cases) {
        const std::string golden =
            read_file(test::data(std::string("golden/stories260K-greedy-") + file + ".txt"));
        ASSERT_FALSE(golden.empty()) << file;
        llama_context *ctx = new_context(512, false);
        ASSERT_NE(ctx, nullptr) << llama_last_error();
        EXPECT_EQ(rstrip_newlines(greedy_like_llama2c(*this, ctx, prompt)), rstrip_newlines(golden))
            << "prompt: " << prompt;
        llama_context_free(ctx);
    }
}

struct GoldenLogits {
    int32_t n = 0, vocab = 0;
    std::vector<llama_token> tokens;
    std::vector<float> logits;
};

GoldenLogits read_golden_logits() {
    GoldenLogits g;
    std::ifstream in(test::data("golden/stories260K-logits.bin"), std::ios::binary);
    in.read(reinterpret_cast<char *>(&g.n), 4);
    in.read(reinterpret_cast<char *>(&g.vocab), 4);
    g.tokens.resize(size_t(g.n));
    g.logits.resize(size_t(g.n) * size_t(g.vocab));
    in.read(reinterpret_cast<char *>(g.tokens.data()), std::streamsize(g.tokens.size() * 4));
    in.read(reinterpret_cast<char *>(g.logits.data()), std::streamsize(g.logits.size() * 4));
    EXPECT_TRUE(in.good()) << "cannot read the golden logits";
    return g;
}

// Largest |ours - golden| over every position and vocabulary entry.
double max_logit_error(llama_context *ctx, const GoldenLogits &g, bool one_batch) {
    double worst = 0.0;
    if (one_batch) {
        EXPECT_EQ(llama_decode(ctx, g.tokens.data(), g.n), 0) << llama_last_error();
    }
    for (int32_t i = 0; i < g.n; i++) {
        if (!one_batch) {
            EXPECT_EQ(llama_decode(ctx, &g.tokens[size_t(i)], 1), 0);
        }
        const float *ours = one_batch ? llama_get_logits_ith(ctx, i) : llama_get_logits(ctx);
        if (!ours) {
            ADD_FAILURE() << "no logits for position " << i;
            return INFINITY;
        }
        for (int32_t v = 0; v < g.vocab; v++)
            worst = std::max(worst, std::fabs(double(ours[v]) -
                                              g.logits[size_t(i) * size_t(g.vocab) + size_t(v)]));
    }
    return worst;
}

TEST_P(Forward, LogitsMatchFloat64ReferenceInOneBatchAndTokenByToken) {
    const GoldenLogits g = read_golden_logits();
    ASSERT_EQ(g.vocab, llama_n_vocab(model));
    for (bool one_batch : {true, false}) {
        llama_context *ctx = new_context(512, true);
        ASSERT_NE(ctx, nullptr) << llama_last_error();
        const double err = max_logit_error(ctx, g, one_batch);
        std::printf("[ %s, %s ] largest logit error vs float64: %.3g\n", GetParam().label,
                    one_batch ? "one batch of 48" : "token by token", err);
        EXPECT_LE(err, 1e-3);
        llama_context_free(ctx);
    }
}

INSTANTIATE_TEST_SUITE_P(Stories260K, Forward, ::testing::ValuesIn(model_files()),
                         [](const auto &info) { return std::string(info.param.label); });

} // namespace
