// The perplexity tool: its number equals one computed here directly from the
// model's logits, batch size and chunk count don't change it, and the saved
// log-probabilities compare a model with itself at zero KL divergence.
#include "file_util.h"
#include "llama.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

const std::string model_path = std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf";
const std::string tool = std::string(LLAMAZ_BINARY_DIR) + "/bin/perplexity";
// one folder per process: ctest runs the tests of this file side by side
const std::string scratch =
    std::string(LLAMAZ_BINARY_DIR) + "/tests/perplexity_scratch/" + std::to_string(getpid());

test::run_result run(const std::string &args) { return test::run_tool(tool, args); }

double parse_ppl(const std::string &out) {
    std::smatch m;
    if (!std::regex_search(out, m, std::regex(R"(PPL = ([0-9.]+) \+/- ([0-9.]+))"))) return NAN;
    return std::stod(m[1]);
}

class Perplexity : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        std::filesystem::create_directories(scratch);
        // the opening of wikitext-2's test split: a few chunks of 64 tokens
        std::ifstream in(test::data("wikitext-2/wiki.test.raw"));
        std::string text(6000, '\0');
        in.read(text.data(), std::streamsize(text.size()));
        text.resize(size_t(in.gcount()));
        std::ofstream(text_path) << text;
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(scratch); }
    static inline const std::string text_path = scratch + "/text.txt";
};

// The protocol of docs/formats.md section 6, written out independently.
double direct_perplexity(int n_ctx) {
    llama_model *model = llama_model_load(model_path.c_str());
    EXPECT_NE(model, nullptr) << llama_last_error();
    std::ifstream in(std::string(scratch) + "/text.txt");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::vector<llama_token> tokens(text.size() + 2);
    tokens.resize(size_t(llama_tokenize(model, text.c_str(), -1, tokens.data(),
                                        int32_t(tokens.size()), true, false)));
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = uint32_t(n_ctx);
    cp.all_logits = true;
    llama_context *ctx = llama_context_new(model, cp);
    const int n_vocab = llama_n_vocab(model);
    double nll = 0.0;
    int count = 0;
    for (size_t c = 0; c + size_t(n_ctx) <= tokens.size(); c += size_t(n_ctx)) {
        std::vector<llama_token> chunk(tokens.begin() + ptrdiff_t(c),
                                       tokens.begin() + ptrdiff_t(c) + n_ctx);
        chunk[0] = llama_token_bos(model);
        llama_kv_clear(ctx);
        EXPECT_EQ(llama_decode(ctx, chunk.data(), n_ctx), 0);
        for (int j = n_ctx / 2; j < n_ctx - 1; j++) {
            const float *logits = llama_get_logits_ith(ctx, j);
            double sum = 0.0;
            for (int v = 0; v < n_vocab; v++) sum += std::exp(double(logits[v]));
            nll += std::log(sum) - double(logits[chunk[size_t(j) + 1]]);
            count++;
        }
    }
    llama_context_free(ctx);
    llama_model_free(model);
    return std::exp(nll / count);
}

TEST_F(Perplexity, EqualsTheProtocolComputedFromLogits) {
    const test::run_result r = run("-m " + model_path + " -f " + text_path + " -c 64 -t 2");
    ASSERT_EQ(r.status, 0) << r.output;
    const double tool_ppl = parse_ppl(r.output);
    const double want = direct_perplexity(64);
    EXPECT_NEAR(tool_ppl, want, 1e-4 * want) << r.output;
    EXPECT_NE(r.output.find("chunks of 64"), std::string::npos) << r.output;
}

TEST_F(Perplexity, BatchSizeAndChunkCountDoNotChangeTheResult) {
    const test::run_result whole = run("-m " + model_path + " -f " + text_path + " -c 64 -b 64");
    const test::run_result small = run("-m " + model_path + " -f " + text_path + " -c 64 -b 7");
    ASSERT_EQ(whole.status, 0) << whole.output;
    ASSERT_EQ(small.status, 0) << small.output;
    EXPECT_EQ(parse_ppl(whole.output), parse_ppl(small.output));
    // the running value after chunk 2 is the result of a run over 2 chunks
    const test::run_result two = run("-m " + model_path + " -f " + text_path + " -c 64 --chunks 2");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(whole.output, m, std::regex(R"(\[2\]([0-9.]+),)")))
        << whole.output;
    EXPECT_EQ(std::stod(m[1]), parse_ppl(two.output));
}

TEST_F(Perplexity, ModelComparedWithItselfHasZeroKlDivergence) {
    const std::string logits = scratch + "/base.logits";
    std::remove(logits.c_str());
    const test::run_result save =
        run("-m " + model_path + " -f " + text_path + " -c 64 --save-logits " + logits);
    ASSERT_EQ(save.status, 0) << save.output;
    const test::run_result kl =
        run("-m " + model_path + " -f " + text_path + " -c 64 --kl-divergence " + logits);
    ASSERT_EQ(kl.status, 0) << kl.output;
    std::smatch m;
    ASSERT_TRUE(
        std::regex_search(kl.output, m, std::regex(R"(KL divergence: mean (-?[0-9.e+-]+))")))
        << kl.output;
    EXPECT_NEAR(std::stod(m[1]), 0.0, 1e-6);
    EXPECT_NE(kl.output.find("top token agreement: 100.000 %"), std::string::npos) << kl.output;
    // another context size does not fit the saved file
    const test::run_result other =
        run("-m " + model_path + " -f " + text_path + " -c 32 --kl-divergence " + logits);
    EXPECT_NE(other.status, 0);
    EXPECT_NE(other.output.find("saved with context 64"), std::string::npos) << other.output;
}

TEST_F(Perplexity, BadInputGivesAClearErrorAndNonZeroExit) {
    const test::run_result missing =
        run("-m " + model_path + " -f " + scratch + "/no_such_file.txt");
    EXPECT_EQ(missing.status, 1);
    EXPECT_NE(missing.output.find("cannot read"), std::string::npos) << missing.output;
    const test::run_result no_model = run("-m " + scratch + "/no_such_model.gguf -f " + text_path);
    EXPECT_EQ(no_model.status, 1);
    EXPECT_NE(no_model.output.find("no_such_model.gguf"), std::string::npos) << no_model.output;
    const test::run_result too_short = run("-m " + model_path + " -f " + text_path + " -c 100000");
    EXPECT_EQ(too_short.status, 1);
    EXPECT_NE(too_short.output.find("fewer than one chunk"), std::string::npos) << too_short.output;
    const test::run_result bad_flag = run("-m " + model_path + " -f " + text_path + " --chunkz 3");
    EXPECT_EQ(bad_flag.status, 1);
    EXPECT_NE(bad_flag.output.find("unknown option '--chunkz'"), std::string::npos)
        << bad_flag.output;
}

} // namespace
