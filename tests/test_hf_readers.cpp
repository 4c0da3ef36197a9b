// The readers behind convert --hf on valid and malformed input: JSON,
// safetensors headers and folders, SentencePiece model protobufs. Malformed
// input must give an error naming the file and the problem, never a crash
// (the sanitizer build checks the "never").
#include "checkpoints/json.h"
#include "checkpoints/safetensors.h"
#include "checkpoints/sentencepiece_model.h"
#include "hf_util.h"

#include <gtest/gtest.h>

#include <random>

namespace {

using convert::json::kind;

std::string json_error(const std::string &text) {
    convert::json::value v;
    std::string error;
    EXPECT_FALSE(convert::json::parse(text, &v, &error)) << text;
    return error;
}

TEST(Json, ParsesValuesExactly) {
    convert::json::value v;
    std::string error;
    ASSERT_TRUE(convert::json::parse(
        R"( {"a": [1, -2.5e3, true, false, null], "s": "x\"\\\/\n\u00e9\ud83d\ude00", "big": 9007199254740993, "o": {}} )",
        &v, &error))
        << error;
    ASSERT_EQ(v.type, kind::OBJECT);
    const convert::json::value *a = v.find("a");
    ASSERT_TRUE(a && a->type == kind::ARRAY && a->items.size() == 5);
    EXPECT_EQ(a->items[0].integer, 1);
    EXPECT_EQ(a->items[1].number, -2500.0);
    EXPECT_FALSE(a->items[1].integer);
    EXPECT_TRUE(a->items[2].boolean);
    EXPECT_EQ(a->items[4].type, kind::NUL);
    EXPECT_EQ(v.find("s")->string, "x\"\\/\n\xC3\xA9\xF0\x9F\x98\x80");
    EXPECT_EQ(v.find("big")->integer, 9007199254740993); // above 2^53: exact as an integer
    EXPECT_EQ(v.find("o")->type, kind::OBJECT);
    EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(Json, RefusesMalformedTextWithItsPosition) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "line 1, column 1: unexpected end"},
        {"{\"a\": 1,}", "expected a string key"},
        {"[1, 2,]", "unexpected character ']'"},
        {"{\"a\": 1, \"a\": 2}", "duplicate key \"a\""},
        {"{\"a\" 1}", "expected ':'"},
        {"[1 2]", "expected ',' or ']'"},
        {"01", "leading zeros"},
        {"1.", "expected a digit after '.'"},
        {"NaN", "unexpected character 'N'"},
        {"1e999", "out of range"},
        {"\"abc", "unterminated string"},
        {"\"a\tb\"", "control character"},
        {"\"\\x\"", "invalid escape"},
        {"\"\\ud800\"", "high surrogate without a low one"},
        {"\"\\udc00\"", "lone low surrogate"},
        {"\"\xC0\xAF\"", "invalid UTF-8"},
        {"\"\xED\xA0\x80\"", "invalid UTF-8"},
        {"tru", "invalid literal"},
        {"{}\n  x", "line 2, column 3: unexpected text after the JSON value"},
        {std::string(200, '['), "nested more than 128 levels deep"},
    };
    for (const auto &[text, message] : cases) {
        const std::string error = json_error(text);
        EXPECT_NE(error.find(message), std::string::npos) << text << " -> " << error;
    }
}

TEST(Json, TypedMembersNameTheSourceAndKey) {
    convert::json::value v;
    std::string error;
    ASSERT_TRUE(convert::json::parse(R"({"n": 2.5, "s": "x", "b": true, "z": null})", &v, &error));
    int64_t i = 7;
    EXPECT_FALSE(convert::json::get_member(v, "n", &i, "cfg.json", &error));
    EXPECT_EQ(error, "cfg.json: \"n\" is a non-integer number, not an integer");
    EXPECT_FALSE(convert::json::get_member(v, "s", &i, "cfg.json", &error));
    EXPECT_EQ(error, "cfg.json: \"s\" is a string, not an integer");
    EXPECT_TRUE(convert::json::get_member(v, "z", &i, "cfg.json", &error)); // null = absent
    EXPECT_TRUE(convert::json::get_member(v, "absent", &i, "cfg.json", &error));
    EXPECT_EQ(i, 7);
    bool b = false;
    EXPECT_TRUE(convert::json::get_member(v, "b", &b, "cfg.json", &error));
    EXPECT_TRUE(b);
}

// ------------------------------------------------------------------ safetensors

std::vector<uint8_t> with_header(const std::string &header, size_t data_bytes) {
    std::vector<uint8_t> out(8 + header.size() + data_bytes, 0);
    const uint64_t n = header.size();
    std::memcpy(out.data(), &n, 8);
    std::copy(header.begin(), header.end(), out.begin() + 8);
    return out;
}

std::string st_error(const std::vector<uint8_t> &bytes) {
    test::temp_dir dir;
    test::write_bytes(dir.file("bad.safetensors"), bytes);
    std::string error;
    EXPECT_EQ(convert::safetensors_file::open(dir.file("bad.safetensors"), &error), nullptr);
    EXPECT_NE(error.find("bad.safetensors: "), std::string::npos) << error;
    return error;
}

TEST(Safetensors, ReadsTensorsAndMetadata) {
    test::temp_dir dir;
    const std::vector<float> x = {1.5f, -2.0f, 0.25f, 8.0f, 3.0f, -0.5f};
    test::write_bytes(dir.file("ok.safetensors"),
                      test::safetensors_bytes({test::float_entry("a", {2, 3}, x, "F32"),
                                               test::float_entry("b", {3}, {1, 2, 3}, "BF16"),
                                               test::float_entry("c", {2}, {0.5f, -1}, "F16"),
                                               {"d", "I32", {2}, test::raw_bytes<int32_t>({-7, 9})},
                                               {"e", "F32", {0}, {}}}));
    std::string error;
    auto f = convert::safetensors_file::open(dir.file("ok.safetensors"), &error);
    ASSERT_NE(f, nullptr) << error;
    EXPECT_EQ(f->metadata().at("format"), "pt");
    ASSERT_EQ(f->tensors().size(), 5u);
    const convert::st_tensor &a = f->tensors()[0];
    EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
    for (int i = 0; i < 6; i++) EXPECT_EQ(a.get_float(i), x[size_t(i)]);
    EXPECT_EQ(f->tensors()[1].get_float(2), 3.0f);
    EXPECT_EQ(f->tensors()[2].get_float(1), -1.0f);
    EXPECT_EQ(f->tensors()[3].get_i32(0), -7);
    EXPECT_EQ(f->tensors()[4].n_elements(), 0);
}

TEST(Safetensors, RefusesMalformedFiles) {
    const std::string ok_entry = R"("t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]})";
    const std::vector<std::pair<std::vector<uint8_t>, std::string>> cases = {
        {{1, 2, 3}, "too short for a safetensors header"},
        {with_header("{}", 0), ""}, // valid, checked below
        {[] {
             auto b = with_header("{}", 0);
             b[0] = 0xFF;
             return b;
         }(),
         "the header length 255 does not fit the file"},
        {with_header("{\"t\": [1}", 0), "header JSON: line 1, column 9"},
        {with_header("[]", 0), "the header is not a JSON object"},
        {with_header(std::string("{").append(ok_entry).append("}"), 4),
         "past the end of the data (4 bytes)"},
        {with_header(R"({"t": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})", 12),
         "has 8 bytes of data, but F32 of this shape needs 12"},
        {with_header(R"({"t": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 8]}})", 8),
         "unknown dtype \"Q4\""},
        {with_header(R"({"t": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}})", 8),
         "shape entry that is not a non-negative integer"},
        {with_header(R"({"t": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}})", 8),
         "not integers 0 <= begin <= end"},
        {with_header(R"({"t": {"dtype": "F32", "shape": [2], "data_offsets": [0]}})", 8),
         "no \"data_offsets\" pair"},
        {with_header(
             R"({"t": {"dtype": "F32", "shape": [4294967296, 4294967296, 4], "data_offsets": [0, 8]}})",
             8),
         "impossibly large shape"},
        {with_header(
             R"({"t": {"dtype": "U8", "shape": [4294967296, 2147483648, 1], "data_offsets": [0, 8]}})",
             8),
         "impossibly large shape"},
        {with_header(R"({"t": 5})", 0), "tensor 't' is a number, not an object"},
        {with_header(std::string("{").append(ok_entry).append(
                         R"(, "u": {"dtype": "I32", "shape": [1], "data_offsets": [4, 8]}})"),
                     8),
         "tensors 't' and 'u' overlap"},
        {with_header(R"({"__metadata__": {"k": 1}})", 0), "__metadata__ \"k\" is not a string"},
    };
    for (const auto &[bytes, message] : cases) {
        if (message.empty()) continue;
        const std::string error = st_error(bytes);
        EXPECT_NE(error.find(message), std::string::npos) << message << "\n  in: " << error;
    }
}

TEST(Safetensors, AShapeWithAZeroHasNoElementsWhateverItsOtherDimensions) {
    // [2^32, 2^31, 0] holds no data; its element count overflowed int64 on
    // the way to 0
    test::temp_dir dir;
    test::write_bytes(
        dir.file("zero.safetensors"),
        with_header(
            R"({"t": {"dtype": "F32", "shape": [4294967296, 2147483648, 0], "data_offsets": [0, 0]}})",
            0));
    std::string error;
    auto f = convert::safetensors_file::open(dir.file("zero.safetensors"), &error);
    ASSERT_NE(f, nullptr) << error;
    EXPECT_EQ(f->tensors()[0].n_elements(), 0);
    EXPECT_EQ(f->tensors()[0].size, 0u);
}

TEST(Safetensors, TruncatedAndCorruptedFilesNeverCrash) {
    const std::vector<uint8_t> good = test::safetensors_bytes(
        {test::float_entry("a.weight", {4, 8}, std::vector<float>(32, 1.0f), "F16"),
         {"b.qweight", "I32", {2, 2}, test::raw_bytes<int32_t>({1, 2, 3, 4})}});
    test::temp_dir dir;
    std::mt19937 rng(7);
    for (size_t cut = 0; cut < good.size(); cut += 3) {
        test::write_bytes(dir.file("t.safetensors"),
                          std::vector<uint8_t>(good.begin(), good.begin() + long(cut)));
        std::string error;
        auto f = convert::safetensors_file::open(dir.file("t.safetensors"), &error);
        if (!f) {
            EXPECT_NE(error.find("t.safetensors"), std::string::npos) << error;
        }
    }
    for (int trial = 0; trial < 300; trial++) {
        std::vector<uint8_t> bytes = good;
        bytes[rng() % std::min<size_t>(bytes.size(), 200)] ^= uint8_t(1 + rng() % 255);
        test::write_bytes(dir.file("c.safetensors"), bytes);
        std::string error;
        auto f = convert::safetensors_file::open(dir.file("c.safetensors"), &error);
        if (!f) {
            EXPECT_FALSE(error.empty());
        }
    }
}

TEST(Safetensors, FolderNeedsTheShardsTheIndexNames) {
    test::temp_dir dir;
    const std::string d = dir.file("m");
    std::filesystem::create_directories(d);
    std::string error;
    EXPECT_EQ(convert::safetensors_set::open_dir(d, &error), nullptr);
    EXPECT_NE(error.find("no model.safetensors.index.json, model.safetensors or other"),
              std::string::npos)
        << error;

    test::write_bytes(d + "/a.safetensors",
                      test::safetensors_bytes({test::float_entry("x", {1}, {1.0f}, "F32")}));
    test::write_bytes(d + "/b.safetensors",
                      test::safetensors_bytes({test::float_entry("x", {1}, {2.0f}, "F32")}));
    EXPECT_EQ(convert::safetensors_set::open_dir(d, &error), nullptr);
    EXPECT_NE(error.find("tensor 'x' is also in"), std::string::npos) << error;

    const std::string index = R"({"weight_map": {"x": "a.safetensors", "y": "a.safetensors"}})";
    test::write_bytes(d + "/model.safetensors.index.json",
                      std::vector<uint8_t>(index.begin(), index.end()));
    EXPECT_EQ(convert::safetensors_set::open_dir(d, &error), nullptr);
    EXPECT_NE(error.find("model.safetensors.index.json: tensor 'y' is not in a.safetensors"),
              std::string::npos)
        << error;

    const std::string escape = R"({"weight_map": {"x": "../a.safetensors"}})";
    test::write_bytes(d + "/model.safetensors.index.json",
                      std::vector<uint8_t>(escape.begin(), escape.end()));
    EXPECT_EQ(convert::safetensors_set::open_dir(d, &error), nullptr);
    EXPECT_NE(error.find("is not a file name in the folder"), std::string::npos) << error;

    const std::string good = R"({"weight_map": {"x": "a.safetensors"}})";
    test::write_bytes(d + "/model.safetensors.index.json",
                      std::vector<uint8_t>(good.begin(), good.end()));
    auto set = convert::safetensors_set::open_dir(d, &error);
    ASSERT_NE(set, nullptr) << error;
    EXPECT_EQ(set->find("x")->get_float(0), 1.0f); // b.safetensors is not part of it
}

// ------------------------------------------------------------------ SentencePiece

const std::string TOK512_MODEL =
    test::data("gptq/stories260K-gptq-4bit-g32-actorder/tokenizer.model");

std::string spm_error(const std::vector<uint8_t> &bytes) {
    convert::sentencepiece_model m;
    std::string error;
    EXPECT_FALSE(
        convert::parse_sentencepiece_model("tok.model", bytes.data(), bytes.size(), &m, &error));
    EXPECT_EQ(error.rfind("tok.model: ", 0), 0u) << error;
    return error;
}

// A varint-prefixed field.
std::vector<uint8_t> len_field(uint32_t number, const std::vector<uint8_t> &body) {
    std::vector<uint8_t> out(2 + body.size());
    out[0] = uint8_t(number << 3 | 2);
    out[1] = uint8_t(body.size());
    std::copy(body.begin(), body.end(), out.begin() + 2);
    return out;
}

TEST(SentencePieceModel, RefusesMalformedProtobuf) {
    const std::vector<uint8_t> good = test::read_bytes(TOK512_MODEL);
    std::vector<uint8_t> cut(good.begin(), good.begin() + 5);
    EXPECT_NE(spm_error(cut).find("a field runs past the end of its message"), std::string::npos);
    EXPECT_NE(spm_error({0x08}).find("truncated varint"), std::string::npos);
    EXPECT_NE(spm_error({0x0B}).find("unsupported wire type 3"), std::string::npos);
    EXPECT_NE(spm_error(std::vector<uint8_t>(12, 0xFF)).find("varint longer than 10 bytes"),
              std::string::npos);
    // a piece of unknown type 9
    EXPECT_NE(spm_error(len_field(1, {0x0A, 1, 'a', 0x18, 9})).find("piece 0: unknown type 9"),
              std::string::npos);
    // the score as a varint
    EXPECT_NE(spm_error(len_field(1, {0x10, 1})).find("score (field 2) has wire type 0"),
              std::string::npos);
    // a unigram model
    std::vector<uint8_t> unigram = good;
    const std::vector<uint8_t> trainer = len_field(2, {0x18, 1});
    unigram.insert(unigram.end(), trainer.begin(), trainer.end());
    EXPECT_NE(spm_error(unigram).find("model_type 1 is not BPE"), std::string::npos);
    // a normalizer with a character map
    std::vector<uint8_t> nfkc = good;
    const std::vector<uint8_t> norm = len_field(3, {0x0A, 4, 'n', 'f', 'k', 'c', 0x12, 1, 'x'});
    nfkc.insert(nfkc.end(), norm.begin(), norm.end());
    EXPECT_NE(spm_error(nfkc).find("the normalizer 'nfkc' rewrites text"), std::string::npos);
    // no pieces at all
    EXPECT_NE(spm_error(len_field(2, {0x18, 2})).find("the vocabulary is empty"),
              std::string::npos);
}

TEST(SentencePieceModel, TruncatedAndCorruptedModelsNeverCrash) {
    const std::vector<uint8_t> good = test::read_bytes(TOK512_MODEL);
    int refused = 0;
    for (size_t n = 0; n < good.size(); n++) {
        convert::sentencepiece_model m;
        std::string error;
        if (!convert::parse_sentencepiece_model("t", good.data(), n, &m, &error)) refused++;
    }
    EXPECT_GT(refused, 0);
    std::mt19937 rng(11);
    for (int trial = 0; trial < 2000; trial++) {
        std::vector<uint8_t> bytes = good;
        for (int k = 0; k < 3; k++) bytes[rng() % bytes.size()] = uint8_t(rng());
        convert::sentencepiece_model m;
        std::string error;
        if (!convert::parse_sentencepiece_model("t", bytes.data(), bytes.size(), &m, &error)) {
            EXPECT_FALSE(error.empty());
        }
    }
}

} // namespace
