// The block formats shared with ggml against llama.cpp's own output
// (tests/data/quants, see its README): rows of a model that llama-quantize
// wrote in every type. Our reference quantizer must give llama.cpp's bytes
// from the same F32 rows, and our dequantization the floats of gguf-py, the
// independent numpy decoder in llama.cpp's repository (stored as sha256
// digests).
#include "file_util.h"
#include "gguf.h"
#include "sha256.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace {

const char *const TENSORS[] = {"blk.0.attn_q.weight", "blk.0.ffn_down.weight"};

std::unique_ptr<llama::gguf_file> open_data(const std::string &name) {
    std::string error;
    std::unique_ptr<llama::gguf_file> f =
        llama::gguf_file::open(test::data("quants/" + name), &error);
    EXPECT_NE(f, nullptr) << error;
    return f;
}

int64_t n_rows(const llama::gguf_tensor &t) { return t.ne[1] * t.ne[2] * t.ne[3]; }

// "TYPE tensor" -> digest, from dequant-sha256.txt.
std::map<std::string, std::string> gguf_py_digests() {
    std::map<std::string, std::string> digests;
    std::ifstream in(test::data("quants/dequant-sha256.txt"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        std::string type, tensor, digest;
        fields >> type >> tensor >> digest;
        digests[type + " " + tensor] = digest;
    }
    return digests;
}

TEST(Sha256, KnownDigests) {
    EXPECT_EQ(test::sha256("", 0),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(test::sha256("abc", 3),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // two blocks of padding
    const std::string s = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    EXPECT_EQ(test::sha256(s.data(), s.size()),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

class LlamaCppBlocks : public ::testing::TestWithParam<std::string> {};

TEST_P(LlamaCppBlocks, QuantizingTheF32RowsGivesLlamaCppsBytes) {
    ggml_type type;
    ASSERT_TRUE(ggml_type_from_name(GetParam().c_str(), &type));
    const auto f32 = open_data("tiny256-F32.gguf");
    const auto theirs = open_data("tiny256-" + GetParam() + ".gguf");
    ASSERT_TRUE(f32 && theirs);
    for (const char *name : TENSORS) {
        const llama::gguf_tensor *x = f32->find_tensor(name), *q = theirs->find_tensor(name);
        ASSERT_TRUE(x && q) << name;
        ASSERT_EQ(x->type, GGML_TYPE_F32);
        ASSERT_EQ(q->type, type) << name << ": the file's type id is not ours";
        ASSERT_EQ(q->ne[0], x->ne[0]);
        const int64_t rows = n_rows(*x);
        const size_t row_size = ggml_row_size(type, x->ne[0]);
        ASSERT_EQ(q->size, row_size * size_t(rows)) << name;
        std::vector<uint8_t> ours(q->size);
        ASSERT_EQ(ggml_quantize_rows(type, static_cast<const float *>(x->data), ours.data(), rows,
                                     x->ne[0]),
                  ours.size());
        const auto *want = static_cast<const uint8_t *>(q->data);
        for (int64_t r = 0; r < rows; r++) {
            const size_t off = size_t(r) * row_size;
            ASSERT_EQ(std::memcmp(ours.data() + off, want + off, row_size), 0)
                << name << " row " << r << " differs from llama.cpp's " << GetParam();
        }
    }
}

TEST_P(LlamaCppBlocks, DequantizationGivesGgufPysFloats) {
    ggml_type type;
    ASSERT_TRUE(ggml_type_from_name(GetParam().c_str(), &type));
    const auto theirs = open_data("tiny256-" + GetParam() + ".gguf");
    ASSERT_TRUE(theirs);
    const std::map<std::string, std::string> digests = gguf_py_digests();
    for (const char *name : TENSORS) {
        const llama::gguf_tensor *q = theirs->find_tensor(name);
        ASSERT_NE(q, nullptr) << name;
        const int64_t n = q->ne[0] * n_rows(*q);
        std::vector<float> y(size_t(n), 0.0f);
        ggml_dequantize_row(type, q->data, y.data(), n);
        const auto digest = digests.find(GetParam() + " " + name);
        ASSERT_NE(digest, digests.end()) << GetParam() << " " << name;
        EXPECT_EQ(test::sha256(y.data(), y.size() * sizeof(float)), digest->second)
            << GetParam() << " " << name;
    }
}

INSTANTIATE_TEST_SUITE_P(Types, LlamaCppBlocks,
                         ::testing::Values("Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K",
                                           "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS", "BF16"),
                         [](const auto &info) { return info.param; });

} // namespace
