// Importance matrices: llama.cpp's files (GGUF and the legacy .dat, made by
// its llama-imatrix from stories260K, tests/data/imatrix) read here; ours
// written with llama.cpp's layout and read back; our imatrix tool giving
// llama.cpp's sums on the same model and text; quantize --imatrix weighting
// the zero-point types' search and leaving ggml's types as they were; and
// bad files or options failing with a message.
#include "file_util.h"
#include "gguf_file.h"
#include "imatrix/importance_matrix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

using quantize::importance_matrix;

namespace {

const std::string LLAMA_CPP_GGUF = test::data("imatrix/stories260K.imatrix.gguf");
const std::string LLAMA_CPP_DAT = test::data("imatrix/stories260K.imatrix.dat");
// the model and text llama-imatrix read for them (-c 128 --chunks 16)
const std::string MODEL_F32 = test::data("gguf/stories260K-f32.gguf");
const std::string TEXT = "tests/data/wikitext-2/wiki.valid.head.tokens";
const std::string MODEL = std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf";

const char *const LINEARS[] = {"attn_q",   "attn_k", "attn_v",  "attn_output",
                               "ffn_gate", "ffn_up", "ffn_down"};

importance_matrix read_ok(const std::string &path) {
    std::string error;
    std::optional<importance_matrix> m = importance_matrix::read(path, &error);
    EXPECT_TRUE(m.has_value()) << error;
    return m ? *m : importance_matrix{};
}

// Every entry of a has b's importance within a relative tolerance.
void expect_same_importance(const importance_matrix &a, const importance_matrix &b, double rel) {
    ASSERT_EQ(a.entries.size(), b.entries.size());
    for (const auto &[name, e] : a.entries) {
        const std::optional<std::vector<float>> x = a.importance(name), y = b.importance(name);
        ASSERT_TRUE(y.has_value()) << name;
        ASSERT_EQ(x->size(), y->size()) << name;
        for (size_t j = 0; j < x->size(); j++)
            ASSERT_NEAR((*x)[j], (*y)[j], rel * std::fabs((*y)[j])) << name << " column " << j;
    }
}

TEST(ImportanceMatrixFile, ReadsLlamaCppsGgufAndDat) {
    const importance_matrix gguf = read_ok(LLAMA_CPP_GGUF);
    ASSERT_EQ(gguf.entries.size(), 35u); // 7 linears in each of 5 layers
    for (int il = 0; il < 5; il++) {
        for (const char *name : LINEARS) {
            const std::string w = "blk." + std::to_string(il) + "." + name + ".weight";
            const auto it = gguf.entries.find(w);
            ASSERT_NE(it, gguf.entries.end()) << w;
            EXPECT_EQ(it->second.sums.size(), std::string(name) == "ffn_down" ? 172u : 64u) << w;
            EXPECT_EQ(it->second.count, 16.0 * 128.0) << w; // tokens
        }
    }
    EXPECT_EQ(gguf.chunk_count, 16u);
    EXPECT_EQ(gguf.chunk_size, 128u);
    EXPECT_EQ(gguf.datasets, std::vector<std::string>{TEXT});
    // q, k and v read the same input
    EXPECT_EQ(gguf.entries.at("blk.3.attn_q.weight").sums,
              gguf.entries.at("blk.3.attn_v.weight").sums);

    // the .dat of the same run keeps the means (times its call count)
    const importance_matrix dat = read_ok(LLAMA_CPP_DAT);
    EXPECT_EQ(dat.chunk_count, 16u);
    EXPECT_EQ(dat.datasets, std::vector<std::string>{TEXT});
    expect_same_importance(dat, gguf, 1e-6);
}

TEST(ImportanceMatrixFile, WritesLlamaCppsLayoutAndReadsItBack) {
    const importance_matrix m = read_ok(LLAMA_CPP_GGUF);
    test::temp_dir dir;
    std::string error;
    ASSERT_TRUE(m.write(dir.file("ours.gguf"), &error)) << error;
    const importance_matrix back = read_ok(dir.file("ours.gguf"));
    EXPECT_EQ(back.datasets, m.datasets);
    EXPECT_EQ(back.chunk_count, m.chunk_count);
    EXPECT_EQ(back.chunk_size, m.chunk_size);
    expect_same_importance(back, m, 0.0);

    // the same keys (and types), tensors, shapes and order as llama.cpp's file
    const auto theirs = llama::gguf_file::open(LLAMA_CPP_GGUF, &error);
    const auto ours = llama::gguf_file::open(dir.file("ours.gguf"), &error);
    ASSERT_TRUE(theirs && ours) << error;
    ASSERT_EQ(ours->metadata().size(), theirs->metadata().size());
    for (size_t i = 0; i < ours->metadata().size(); i++) {
        EXPECT_EQ(ours->metadata()[i].key, theirs->metadata()[i].key);
        EXPECT_EQ(ours->metadata()[i].value.type, theirs->metadata()[i].value.type);
    }
    EXPECT_EQ(*ours->find("general.type"), *theirs->find("general.type"));
    ASSERT_EQ(ours->tensors().size(), theirs->tensors().size());
    for (size_t i = 0; i < ours->tensors().size(); i++) {
        const llama::gguf_tensor &a = ours->tensors()[i], &b = theirs->tensors()[i];
        EXPECT_EQ(a.name, b.name);
        EXPECT_EQ(a.type, b.type);
        EXPECT_EQ(a.n_dims, b.n_dims) << a.name;
        EXPECT_EQ(0, std::memcmp(a.ne, b.ne, sizeof a.ne)) << a.name;
        EXPECT_EQ(a.size, b.size) << a.name;
        EXPECT_EQ(0, std::memcmp(a.data, b.data, a.size)) << a.name;
    }
}

TEST(ImportanceMatrixFile, DamagedFilesFailNamingTheProblem) {
    test::temp_dir dir;
    const std::vector<uint8_t> dat = test::read_bytes(LLAMA_CPP_DAT);
    const std::vector<uint8_t> gguf = test::read_bytes(LLAMA_CPP_GGUF);
    importance_matrix m = read_ok(LLAMA_CPP_GGUF);
    std::string error;
    // an in_sum2 without its counts, and a negative sum of squares
    importance_matrix negative = m;
    negative.entries.begin()->second.sums[3] = -1.0;
    ASSERT_TRUE(negative.write(dir.file("negative.gguf"), &error)) << error;
    const struct {
        std::string name;
        std::vector<uint8_t> bytes;
        std::string message;
    } cases[] = {
        {"empty.dat", {}, "no entry count"},
        {"cut.dat", std::vector<uint8_t>(dat.begin(), dat.begin() + 200), "is cut short"},
        {"tail.dat",
         [&] {
             std::vector<uint8_t> b = dat;
             b.push_back(0);
             return b;
         }(),
         "bytes after the dataset name"},
        {"text.dat", {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!'}, "legacy .dat"},
        {"cut.gguf", std::vector<uint8_t>(gguf.begin(), gguf.begin() + 300), "cut.gguf"},
    };
    for (const auto &c : cases) {
        test::write_bytes(dir.file(c.name), c.bytes);
        EXPECT_FALSE(importance_matrix::read(dir.file(c.name), &error)) << c.name;
        EXPECT_NE(error.find(c.message), std::string::npos) << c.name << ": " << error;
        EXPECT_NE(error.find(c.name), std::string::npos) << c.name << ": " << error;
    }
    EXPECT_FALSE(importance_matrix::read(dir.file("negative.gguf"), &error));
    EXPECT_NE(error.find("not a finite sum of squares"), std::string::npos) << error;
    EXPECT_FALSE(importance_matrix::read(dir.file("missing.gguf"), &error));
    EXPECT_NE(error.find("cannot read"), std::string::npos) << error;
    // a model is a GGUF file but no importance matrix
    EXPECT_FALSE(importance_matrix::read(MODEL, &error));
    EXPECT_NE(error.find("not an importance matrix"), std::string::npos) << error;
}

// ------------------------------------------------------------------ the tool

test::run_result imatrix(const std::string &args) {
    return test::run_tool("cd " + std::string(LLAMAZ_SOURCE_DIR) + " && " + LLAMAZ_IMATRIX_EXE,
                          args);
}

test::run_result quantize(const std::string &args) {
    return test::run_tool(LLAMAZ_QUANTIZE_EXE, args);
}

TEST(ImatrixTool, GivesLlamaCppsSumsOnTheSameModelAndText) {
    test::temp_dir dir;
    const test::run_result r = imatrix("-m " + MODEL_F32 + " -f " + TEXT + " -o " +
                                       dir.file("ours.gguf") + " -c 128 --chunks 16 -t 2");
    ASSERT_EQ(r.status, 0) << r.output;
    const importance_matrix ours = read_ok(dir.file("ours.gguf"));
    const importance_matrix theirs = read_ok(LLAMA_CPP_GGUF);
    EXPECT_EQ(ours.datasets, theirs.datasets);
    EXPECT_EQ(ours.chunk_count, theirs.chunk_count);
    EXPECT_EQ(ours.chunk_size, theirs.chunk_size);
    for (const auto &[name, e] : theirs.entries)
        EXPECT_EQ(ours.entries.at(name).count, e.count) << name;
    // the same tokens through the same weights; the forward passes differ in
    // float rounding, and llama.cpp keeps keys and values in F16 where our
    // calibration keeps F32 (measured: at most 1.3e-3 apart, the median
    // column 1e-4, at the inputs after attention)
    expect_same_importance(ours, theirs, 3e-3);
}

TEST(ImatrixTool, BadArgumentsFailWithAMessageAndNoOutput) {
    test::temp_dir dir;
    const std::string out = dir.file("out.gguf");
    test::write_bytes(dir.file("short.txt"), {'O', 'n', 'c', 'e'});
    const struct {
        std::string args, message;
    } cases[] = {
        {"-f " + TEXT + " -o " + out, "-m MODEL.gguf is required"},
        {"-m " + MODEL + " -o " + out, "-f TEXT is required"},
        {"-m " + MODEL + " -f " + TEXT, "-o OUT.gguf is required"},
        {"-m " + dir.file("none.gguf") + " -f " + TEXT + " -o " + out, "none.gguf"},
        {"-m " + MODEL + " -f " + dir.file("none.txt") + " -o " + out, "cannot read"},
        {"-m " + MODEL + " -f " + dir.file("short.txt") + " -o " + out, "fewer than one chunk"},
        {"-m " + MODEL + " -f " + TEXT + " -o " + MODEL, "input"},
        {"-m " + MODEL + " -f " + TEXT + " -o " + out + " --chunks 0", "--chunks 0"},
        {"-m " + MODEL + " -f " + TEXT + " -o " + out + " -c 1", "-c"},
    };
    for (const auto &c : cases) {
        test::expect_failure(imatrix(c.args), c.message, out, c.args);
    }
    const test::run_result help = imatrix("-h");
    EXPECT_EQ(help.status, 0);
    for (const char *word : {"--chunks", "-c", "llama-imatrix", "in_sum2", "quantize --imatrix"})
        EXPECT_NE(help.output.find(word), std::string::npos) << word;
}

// ------------------------------------------------------------------ quantize --imatrix

std::unique_ptr<llama::gguf_file> open_ok(const std::string &path) {
    std::string error;
    std::unique_ptr<llama::gguf_file> f = llama::gguf_file::open(path, &error);
    EXPECT_NE(f, nullptr) << error;
    return f;
}

std::vector<float> floats_of(const llama::gguf_tensor &t) {
    std::vector<float> x(size_t(t.ne[0] * t.ne[1]));
    ggml_dequantize_row(t.type, t.data, x.data(), int64_t(x.size()));
    return x;
}

TEST(QuantizeImatrix, WeightsTheTypesWithASearchThatTakesIt) {
    test::temp_dir dir;
    const importance_matrix m = read_ok(LLAMA_CPP_GGUF);
    const auto source = open_ok(MODEL);
    for (const char *type : {"Q4_Z", "Q3_Z", "Q4_0", "Q4_1"}) {
        const std::string plain = dir.file(std::string(type) + ".gguf"),
                          weighted = dir.file(std::string(type) + "-imatrix.gguf");
        test::run_result r = quantize(MODEL + " " + plain + " " + type);
        ASSERT_EQ(r.status, 0) << r.output;
        r = quantize(MODEL + " " + weighted + " " + type + " --imatrix " + LLAMA_CPP_GGUF);
        ASSERT_EQ(r.status, 0) << r.output;
        const auto p = open_ok(plain), w = open_ok(weighted);
        const ggml_type t = p->find_tensor("blk.0.attn_q.weight")->type;
        if (!ggml_quantize_uses_importance(t)) {
            // ggml's types round as llama.cpp's reference does: the same file
            EXPECT_EQ(test::read_bytes(plain), test::read_bytes(weighted)) << type;
            EXPECT_NE(r.output.find("no tensor here uses it"), std::string::npos) << r.output;
            continue;
        }
        // 4 linears of 64 columns in each of 5 layers (ffn_down's 172-wide
        // rows fall back to F16); the embedding has no entry
        EXPECT_NE(r.output.find("weights the scale search of 30 tensors"), std::string::npos)
            << r.output;
        int differ = 0;
        for (const llama::gguf_tensor &wt : w->tensors()) {
            const llama::gguf_tensor &src = *source->find_tensor(wt.name);
            const llama::gguf_tensor &pt = *p->find_tensor(wt.name);
            const std::optional<std::vector<float>> imp = m.importance(wt.name);
            if (!imp || wt.type != t) {
                EXPECT_EQ(0, std::memcmp(wt.data, pt.data, wt.size)) << type << " " << wt.name;
                continue;
            }
            const std::vector<float> x = floats_of(src);
            std::vector<uint8_t> want(wt.size);
            ASSERT_EQ(ggml_quantize_rows_weighted(t, x.data(), want.data(), src.ne[1], src.ne[0],
                                                  imp->data()),
                      want.size());
            EXPECT_EQ(0, std::memcmp(wt.data, want.data(), want.size())) << type << " " << wt.name;
            differ += std::memcmp(wt.data, pt.data, wt.size) != 0;
        }
        EXPECT_EQ(differ, 30) << type;
    }
}

TEST(QuantizeImatrix, BadFilesAndOptionsFailWithAMessageAndNoOutput) {
    test::temp_dir dir;
    const std::string out = dir.file("out.gguf");
    // an entry with the wrong number of columns
    importance_matrix other = read_ok(LLAMA_CPP_GGUF);
    other.entries["blk.1.ffn_up.weight"].sums.resize(10);
    std::string error;
    ASSERT_TRUE(other.write(dir.file("other.gguf"), &error)) << error;
    const struct {
        std::string args, message;
    } cases[] = {
        {"Q4_Z --imatrix " + dir.file("none.gguf"), "cannot read the importance matrix"},
        {"Q4_Z --imatrix " + MODEL, "not an importance matrix"},
        {"Q4_Z --imatrix " + dir.file("other.gguf"),
         "the entry of 'blk.1.ffn_up.weight' has 10 columns, the tensor 64"},
        {"Q4_Z --imatrix " + LLAMA_CPP_GGUF + " --gptq --calib " + MODEL,
         "--gptq and --imatrix do not go together"},
    };
    for (const auto &c : cases) {
        test::expect_failure(quantize(MODEL + " " + out + " " + c.args), c.message, out, c.args);
    }
}

} // namespace
