// The perplexity tool: its number equals one computed here directly from the
// model's logits, batch size and chunk count don't change it, and the saved
// log-probabilities compare a model with itself at zero KL divergence.
#include "llama.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

namespace {

const std::string model_path = std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf";
const std::string tool = std::string(LLAMAZ_BINARY_DIR) + "/bin/perplexity";
const std::string scratch = std::string(LLAMAZ_BINARY_DIR) + "/tests/perplexity_scratch";

struct run_result {
    int status;
    std::string out;
};

run_result run(const std::string &args) {
    const std::string cmd = tool + " " + args + " 2>&1";
    std::FILE *p = popen(cmd.c_str(), "r");
    std::string out;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    const int status = pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

double parse_ppl(const std::string &out) {
    std::smatch m;
    if (!std::regex_search(out, m, std::regex(R"(PPL = ([0-9.]+) \+/- ([0-9.]+))"))) return NAN;
    return std::stod(m[1]);
}

class Perplexity : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        std::system(("mkdir -p " + scratch).c_str());
        // the opening of wikitext-2's test split: a few chunks of 64 tokens
        std::ifstream in(std::string(LLAMAZ_SHARED_DATA) + "/wikitext-2/wiki.test.raw");
        std::string text(6000, '\0');
        in.read(text.data(), std::streamsize(text.size()));
        text.resize(size_t(in.gcount()));
        std::ofstream(text_path) << text;
    }
    static inline const std::string text_path = scratch + "/text.txt";
};

// The protocol of formats.md section 6, written out independently.
double direct_perplexity(int n_ctx) {
    llama_model *model = llama_model_load(model_path.c_str());
    EXPECT_NE(model, nullptr) << llama_last_error();
    std::ifstream in(std::string(scratch) + "/text.txt");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::vector<llama_token> tokens(text.size() + 2);
    tokens.resize(size_t(llama_tokenize(model, text.c_str(), -1, tokens.data(), int32_t(tokens.size()), true)));
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = uint32_t(n_ctx);
    cp.all_logits = true;
    llama_context *ctx = llama_context_new(model, cp);
    const int n_vocab = llama_n_vocab(model);
    double nll = 0.0;
    int count = 0;
    for (size_t c = 0; c + size_t(n_ctx) <= tokens.size(); c += size_t(n_ctx)) {
        std::vector<llama_token> chunk(tokens.begin() + ptrdiff_t(c), tokens.begin() + ptrdiff_t(c) + n_ctx);
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
    const run_result r = run("-m " + model_path + " -f " + text_path + " -c 64 -t 2");
    ASSERT_EQ(r.status, 0) << r.out;
    const double tool_ppl = parse_ppl(r.out);
    const double want = direct_perplexity(64);
    EXPECT_NEAR(tool_ppl, want, 1e-4 * want) << r.out;
    EXPECT_NE(r.out.find("chunks of 64"), std::string::npos) << r.out;
}

TEST_F(Perplexity, BatchSizeAndChunkCountDoNotChangeTheResult) {
    const run_result whole = run("-m " + model_path + " -f " + text_path + " -c 64 -b 64");
    const run_result small = run("-m " + model_path + " -f " + text_path + " -c 64 -b 7");
    ASSERT_EQ(whole.status, 0) << whole.out;
    ASSERT_EQ(small.status, 0) << small.out;
    EXPECT_EQ(parse_ppl(whole.out), parse_ppl(small.out));
    // the running value after chunk 2 is the result of a run over 2 chunks
    const run_result two = run("-m " + model_path + " -f " + text_path + " -c 64 --chunks 2");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(whole.out, m, std::regex(R"(\[2\]([0-9.]+),)"))) << whole.out;
    EXPECT_EQ(std::stod(m[1]), parse_ppl(two.out));
}

TEST_F(Perplexity, ModelComparedWithItselfHasZeroKlDivergence) {
    const std::string logits = scratch + "/base.logits";
    std::remove(logits.c_str());
    const run_result save = run("-m " + model_path + " -f " + text_path + " -c 64 --save-logits " + logits);
    ASSERT_EQ(save.status, 0) << save.out;
    const run_result kl = run("-m " + model_path + " -f " + text_path + " -c 64 --kl-divergence " + logits);
    ASSERT_EQ(kl.status, 0) << kl.out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(kl.out, m, std::regex(R"(KL divergence: mean (-?[0-9.e+-]+))"))) << kl.out;
    EXPECT_NEAR(std::stod(m[1]), 0.0, 1e-6);
    EXPECT_NE(kl.out.find("top token agreement: 100.000 %"), std::string::npos) << kl.out;
    // another context size does not fit the saved file
    const run_result other = run("-m " + model_path + " -f " + text_path + " -c 32 --kl-divergence " + logits);
    EXPECT_NE(other.status, 0);
    EXPECT_NE(other.out.find("saved with context 64"), std::string::npos) << other.out;
}

TEST_F(Perplexity, BadInputGivesAClearErrorAndNonZeroExit) {
    const run_result missing = run("-m " + model_path + " -f " + scratch + "/no_such_file.txt");
    EXPECT_EQ(missing.status, 1);
    EXPECT_NE(missing.out.find("cannot read"), std::string::npos) << missing.out;
    const run_result no_model = run("-m " + scratch + "/no_such_model.gguf -f " + text_path);
    EXPECT_EQ(no_model.status, 1);
    EXPECT_NE(no_model.out.find("no_such_model.gguf"), std::string::npos) << no_model.out;
    const run_result too_short = run("-m " + model_path + " -f " + text_path + " -c 100000");
    EXPECT_EQ(too_short.status, 1);
    EXPECT_NE(too_short.out.find("fewer than one chunk"), std::string::npos) << too_short.out;
    const run_result bad_flag = run("-m " + model_path + " -f " + text_path + " --chunkz 3");
    EXPECT_EQ(bad_flag.status, 1);
    EXPECT_NE(bad_flag.out.find("unknown option '--chunkz'"), std::string::npos) << bad_flag.out;
}

} // namespace
