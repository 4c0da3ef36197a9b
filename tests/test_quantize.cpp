// The quantize tool, run as a program on stories260K: every preset gives
// the file llama.cpp's llama-quantize gives (its tensor types and sha256,
// tests/data/quants/stories260K-presets.txt), each tensor exactly the bytes
// of ggml's reference quantizers, the same bytes for any thread count;
// --pure gives llama.cpp's bytes of every type on tiny256; and the output is
// never half-written, never the input, and bad input fails with a message.
#include "file_util.h"
#include "gguf_file.h"
#include "gguf_writer.h"
#include "llama.h"
#include "sections_file.h"
#include "sha256.h"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace llama;

namespace {

const std::string MODEL = std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf";
const std::string TOOL = LLAMAZ_QUANTIZE_EXE;

test::run_result quantize(const std::string &args) { return test::run_tool(TOOL, args); }

std::unique_ptr<gguf_file> open_ok(const std::string &path) {
    std::string error;
    std::unique_ptr<gguf_file> f = gguf_file::open(path, &error);
    EXPECT_NE(f, nullptr) << error;
    return f;
}

bool exists(const std::string &path) { return std::filesystem::exists(path); }

int64_t n_rows(const gguf_tensor &t) { return t.ne[1] * t.ne[2] * t.ne[3]; }

// The tensor's values as floats, decoded here one row at a time.
std::vector<float> floats_of(const gguf_tensor &t) {
    std::vector<float> x(size_t(t.ne[0] * n_rows(t)));
    const size_t row = ggml_row_size(t.type, t.ne[0]);
    for (int64_t r = 0; r < n_rows(t); r++)
        ggml_dequantize_row(t.type, static_cast<const char *>(t.data) + size_t(r) * row,
                            x.data() + r * t.ne[0], t.ne[0]);
    return x;
}

// What ggml's reference quantizer makes of the source tensor as `type`.
std::vector<uint8_t> reference_bytes(const gguf_tensor &source, ggml_type type) {
    const std::vector<float> x = floats_of(source);
    std::vector<uint8_t> bytes(ggml_row_size(type, source.ne[0]) * size_t(n_rows(source)));
    EXPECT_EQ(ggml_quantize_rows(type, x.data(), bytes.data(), n_rows(source), source.ne[0]),
              bytes.size());
    return bytes;
}

bool holds(const gguf_tensor &t, const std::vector<uint8_t> &bytes) {
    return t.size == bytes.size() && std::memcmp(t.data, bytes.data(), bytes.size()) == 0;
}

bool same_bytes(const gguf_tensor &a, const gguf_tensor &b) {
    return a.size == b.size && std::memcmp(a.data, b.data, a.size) == 0;
}

ggml_type type_named(const std::string &name) {
    ggml_type t = GGML_TYPE_F32;
    EXPECT_TRUE(ggml_type_from_name(name.c_str(), &t)) << name;
    return t;
}

// Decodes a few tokens with the model; true if it loads and every logit is finite.
void expect_finite_logits(const std::string &path) {
    llama_model *model = llama_model_load(path.c_str());
    ASSERT_NE(model, nullptr) << llama_last_error();
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = 64;
    cp.n_threads = 2;
    cp.all_logits = true;
    llama_context *ctx = llama_context_new(model, cp);
    ASSERT_NE(ctx, nullptr) << llama_last_error();
    std::vector<llama_token> tokens(64);
    const int32_t n = llama_tokenize(model, "Once upon a time, there was a little girl", -1,
                                     tokens.data(), 64, true, false);
    ASSERT_GT(n, 5);
    ASSERT_EQ(llama_decode(ctx, tokens.data(), n), 0) << llama_last_error();
    for (int32_t i = 0; i < n; i++) {
        const float *logits = llama_get_logits_ith(ctx, i);
        for (int32_t v = 0; v < llama_n_vocab(model); v++)
            ASSERT_TRUE(std::isfinite(logits[v])) << "position " << i << " token " << v;
    }
    llama_context_free(ctx);
    llama_model_free(model);
}

// stories260K's tensors in llama.cpp's order, written out by hand: those
// outside the layers by name, then each layer's by name.
std::vector<std::string> llama_cpp_order() {
    std::vector<std::string> names = {"output_norm.weight", "token_embd.weight"};
    for (int l = 0; l < 5; l++)
        for (const char *n : {"attn_k", "attn_norm", "attn_output", "attn_q", "attn_v", "ffn_down",
                              "ffn_gate", "ffn_norm", "ffn_up"})
            names.push_back("blk." + std::to_string(l) + "." + n + ".weight");
    return names;
}

// llama.cpp's general.file_type ids, and ours (documented in quantize -h).
const std::map<std::string, uint64_t> FILE_TYPE_IDS = {
    {"F32", 0},     {"F16", 1},        {"BF16", 32},      {"Q8_0", 7},    {"Q4_0", 2},
    {"Q4_1", 3},    {"Q5_0", 8},       {"Q5_1", 9},       {"Q2_K", 10},   {"Q3_K_S", 11},
    {"Q3_K_M", 12}, {"Q3_K_L", 13},    {"Q4_K_S", 14},    {"Q4_K_M", 15}, {"Q5_K_S", 16},
    {"Q5_K_M", 17}, {"Q6_K", 18},      {"IQ4_NL", 25},    {"IQ4_XS", 30}, {"Q4_Z", 2048},
    {"Q3_Z", 2049}, {"Q4_Z128", 2050}, {"Q3_Z128", 2051}, {"Q2_Z", 2052}, {"Q2_Z128", 2053}};

// What llama-quantize made of stories260K per preset: [PRESET] sha256 of
// the file, then "tensor TYPE" in file order.
const std::map<std::string, test::section> &llama_cpp_presets() {
    static const std::map<std::string, test::section> presets =
        test::read_sections(test::data("quants/stories260K-presets.txt"));
    return presets;
}

// ------------------------------------------------------------------ every type

class QuantizeType : public ::testing::TestWithParam<std::string> {};

TEST_P(QuantizeType, TensorsMetadataAndOrderAreAsSpecified) {
    const std::string preset = GetParam();
    test::temp_dir dir;
    const std::string out_path = dir.file("out.gguf");
    // lower case on purpose: TYPE is case-insensitive
    std::string lower = preset;
    for (char &c : lower) c = char(std::tolower(c));
    const test::run_result r = quantize(MODEL + " " + out_path + " " + lower + " -t 2");
    ASSERT_EQ(r.status, 0) << r.output;
    auto in = open_ok(MODEL);
    auto out = open_ok(out_path);
    ASSERT_TRUE(in && out);

    // tensors: llama.cpp's order and types (ours, Q4_Z, Q3_Z and their 128
    // forms, follow the rules of a preset without a mix: the tied embedding
    // is the output, Q6_K, which 64-wide rows turn into Q8_0; the 128 forms'
    // blocks do not fit 64-wide rows either, which take the 32-weight form),
    // each with the reference bytes
    std::vector<std::string> names;
    for (const gguf_tensor &t : out->tensors()) names.push_back(t.name);
    EXPECT_EQ(names, llama_cpp_order());
    const auto oracle = llama_cpp_presets().find(preset);
    const bool ours = preset.find("_Z") != std::string::npos;
    ASSERT_TRUE(ours || oracle != llama_cpp_presets().end()) << preset;
    for (size_t i = 0; i < out->tensors().size(); i++) {
        const gguf_tensor &t = out->tensors()[i];
        const gguf_tensor *src = in->find_tensor(t.name);
        ASSERT_NE(src, nullptr) << t.name;
        ggml_type want; // set by every branch
        if (!ours) {
            ASSERT_EQ(oracle->second.lines[i].first, t.name);
            want = type_named(oracle->second.lines[i].second);
        } else if (t.n_dims == 1) {
            want = GGML_TYPE_F32;
        } else if (t.name == "token_embd.weight") {
            want = GGML_TYPE_Q8_0;
        } else if (t.ne[0] == 172) {
            want = GGML_TYPE_F16; // ffn_down: 172 % 32 != 0
        } else if (preset.ends_with("_Z128")) {
            ASSERT_EQ(t.ne[0], 64) << t.name;
            want = type_named(preset.substr(0, preset.size() - 3)); // Q4_Z128 -> Q4_Z
        } else {
            want = type_named(preset);
        }
        EXPECT_EQ(t.type, want) << preset << " " << t.name << " is " << ggml_type_name(t.type);
        EXPECT_EQ(t.n_dims, src->n_dims) << t.name;
        for (int d = 0; d < GGML_MAX_DIMS; d++) EXPECT_EQ(t.ne[d], src->ne[d]) << t.name;
        EXPECT_TRUE(holds(t, reference_bytes(*src, t.type)))
            << t.name << " as " << ggml_type_name(t.type);
        EXPECT_EQ(t.offset % out->alignment(), 0u) << t.name;
    }
    EXPECT_EQ(out->alignment(), in->alignment());
    // and the whole file is llama-quantize's, byte for byte
    if (!ours) {
        const std::vector<uint8_t> bytes = test::read_bytes(out_path);
        EXPECT_EQ(test::sha256(bytes.data(), bytes.size()), oracle->second.value) << preset;
    }

    // the fallback of ffn_down (172 wide: not even 32 fits) is announced
    // for each layer, and only when it happens
    for (int l = 0; l < 5; l++) {
        const std::string name = "blk." + std::to_string(l) + ".ffn_down.weight";
        const bool falls_back = out->find_tensor(name)->type == GGML_TYPE_F16 && preset != "F16";
        const size_t at = r.output.find(name + ": rows of 172 do not fit ");
        EXPECT_EQ(at != std::string::npos, falls_back) << name << "\n" << r.output;
        if (at != std::string::npos) {
            const std::string line = r.output.substr(at, r.output.find('\n', at) - at);
            EXPECT_TRUE(line.ends_with("; stored as F16 instead")) << line;
        }
    }

    // metadata: the input's, plus the two keys llama.cpp sets
    std::string e;
    EXPECT_EQ(gguf_get_uint(*out, "general.file_type", &e), FILE_TYPE_IDS.at(preset));
    EXPECT_EQ(out->find("general.file_type")->type, gguf_type::UINT32);
    EXPECT_EQ(gguf_get_uint(*out, "general.quantization_version", &e), 2u);
    EXPECT_EQ(out->find("general.quantization_version")->type, gguf_type::UINT32);
    EXPECT_EQ(e, "");
    EXPECT_EQ(out->metadata().size(), in->metadata().size() + 1);
    for (const gguf_kv &kv : in->metadata()) {
        const gguf_value *v = out->find(kv.key);
        ASSERT_NE(v, nullptr) << kv.key;
        if (kv.key != "general.file_type") {
            EXPECT_EQ(*v, kv.value) << kv.key;
        }
    }

    // the report
    EXPECT_NE(r.output.find("47/47"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("MB/s"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("bits per weight"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("general.file_type " + std::to_string(FILE_TYPE_IDS.at(preset))),
              std::string::npos)
        << r.output;
    EXPECT_FALSE(exists(out_path + ".tmp"));

    expect_finite_logits(out_path);
}

TEST_P(QuantizeType, ThreadCountDoesNotChangeTheBytes) {
    test::temp_dir dir;
    std::vector<std::vector<uint8_t>> files;
    for (int threads : {1, 2, 3}) {
        const std::string out = dir.file(std::to_string(threads) + "-threads.gguf");
        const test::run_result r =
            quantize(MODEL + " " + out + " " + GetParam() + " -t " + std::to_string(threads));
        ASSERT_EQ(r.status, 0) << r.output;
        files.push_back(test::read_bytes(out));
    }
    EXPECT_EQ(files[0], files[1]);
    EXPECT_EQ(files[0], files[2]);
}

INSTANTIATE_TEST_SUITE_P(AllPresets, QuantizeType,
                         ::testing::Values("F32", "F16", "BF16", "Q8_0", "Q6_K", "Q5_K_M", "Q5_K_S",
                                           "Q5_1", "Q5_0", "Q4_K_M", "Q4_K_S", "Q4_1", "Q4_0",
                                           "IQ4_NL", "IQ4_XS", "Q3_K_L", "Q3_K_M", "Q3_K_S", "Q2_K",
                                           "Q4_Z", "Q3_Z", "Q4_Z128", "Q3_Z128", "Q2_Z", "Q2_Z128"),
                         [](const auto &info) { return info.param; });

// --pure: every matrix of the type, as llama-quantize --pure made the
// tiny256 files of tests/data/quants: the same bytes for every type.
TEST(Quantize, PureGivesLlamaCppsBytesOfEveryType) {
    test::temp_dir dir;
    const std::string f32 = test::data("quants/tiny256-F32.gguf");
    for (const char *type : {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K",
                             "Q6_K", "IQ4_NL", "IQ4_XS", "BF16"}) {
        const std::string out_path = dir.file(std::string(type) + ".gguf");
        const test::run_result r = quantize(f32 + " " + out_path + " " + type + " --pure");
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_NE(r.output.find("(pure)"), std::string::npos) << r.output;
        auto out = open_ok(out_path);
        auto theirs = open_ok(test::data("quants/tiny256-" + std::string(type) + ".gguf"));
        ASSERT_TRUE(out && theirs);
        ASSERT_EQ(out->tensors().size(), theirs->tensors().size());
        for (const gguf_tensor &t : theirs->tensors()) {
            const gguf_tensor *o = out->find_tensor(t.name);
            ASSERT_NE(o, nullptr) << t.name;
            EXPECT_EQ(o->type, t.type) << type << " " << t.name;
            EXPECT_TRUE(same_bytes(*o, t)) << type << " " << t.name;
        }
    }
}

// ------------------------------------------------------------------ inputs and options

TEST(Quantize, F16InputIsDecodedFirst) {
    test::temp_dir dir;
    const std::string f16 = dir.file("f16.gguf"), q = dir.file("q4_z.gguf");
    ASSERT_EQ(quantize(MODEL + " " + f16 + " F16").status, 0);
    const test::run_result r = quantize(f16 + " " + q + " Q4_Z");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.find("quantized already"), std::string::npos) << "F16 is no quantization";
    auto in = open_ok(f16);
    auto out = open_ok(q);
    for (const gguf_tensor &t : out->tensors()) {
        const gguf_tensor *src = in->find_tensor(t.name);
        ASSERT_NE(src, nullptr);
        // norms F32, ffn_down F16 in both: copied; the rest converted
        const bool ok =
            src->type == t.type ? same_bytes(t, *src) : holds(t, reference_bytes(*src, t.type));
        EXPECT_TRUE(ok) << t.name;
    }
    EXPECT_EQ(out->find_tensor("blk.0.attn_q.weight")->type, GGML_TYPE_Q4_Z);
}

TEST(Quantize, RequantizingNeedsItsFlag) {
    test::temp_dir dir;
    const std::string q4 = dir.file("q4_0.gguf"), q8 = dir.file("q8_0.gguf");
    ASSERT_EQ(quantize(MODEL + " " + q4 + " Q4_0").status, 0);
    const test::run_result refused = quantize(q4 + " " + q8 + " Q8_0");
    EXPECT_EQ(refused.status, 1);
    EXPECT_NE(refused.output.find("quantized already"), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find("is Q4_0"), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find("--allow-requantize"), std::string::npos) << refused.output;
    EXPECT_FALSE(exists(q8));

    const test::run_result allowed = quantize(q4 + " " + q8 + " Q8_0 --allow-requantize");
    ASSERT_EQ(allowed.status, 0) << allowed.output;
    EXPECT_NE(allowed.output.find("warning: "), std::string::npos) << allowed.output;
    auto in = open_ok(q4);
    auto out = open_ok(q8);
    // already Q8_0: copied, not rounded again
    EXPECT_TRUE(
        same_bytes(*out->find_tensor("token_embd.weight"), *in->find_tensor("token_embd.weight")));
    const gguf_tensor &wq = *out->find_tensor("blk.0.attn_q.weight");
    EXPECT_EQ(wq.type, GGML_TYPE_Q8_0);
    EXPECT_TRUE(
        holds(wq, reference_bytes(*in->find_tensor("blk.0.attn_q.weight"), GGML_TYPE_Q8_0)));
}

#ifdef LLAMAZ_CONVERT_EXE

// A GPTQ checkpoint imported by convert holds Q4_Z matrices, I32 input
// permutations and F16 leftovers; quantizing it to Q4_Z copies what GPTQ made
// and converts only the rest, without --allow-requantize.
TEST(Quantize, GptqImportIsFinishedWithoutRequantizing) {
    test::temp_dir dir;
    const std::string imported = dir.file("gptq.gguf"), out = dir.file("q4_z.gguf");
    const std::string convert = std::string(LLAMAZ_CONVERT_EXE) + " --hf " +
                                test::data("gptq/stories260K-gptq-4bit-g32-actorder") + " -o " +
                                imported + " > " + dir.file("log.txt") + " 2>&1";
    ASSERT_EQ(std::system(convert.c_str()), 0) << test::read_text(dir.file("log.txt"));
    const test::run_result r = quantize(imported + " " + out + " Q4_Z");
    ASSERT_EQ(r.status, 0) << r.output;
    auto in = open_ok(imported);
    auto q = open_ok(out);
    ASSERT_EQ(q->tensors().size(), in->tensors().size());
    int n_perms = 0;
    for (const gguf_tensor &t : q->tensors()) {
        const gguf_tensor &src = *in->find_tensor(t.name);
        if (src.type == GGML_TYPE_I32 || src.type == GGML_TYPE_Q4_Z) {
            n_perms += src.type == GGML_TYPE_I32;
            EXPECT_EQ(t.type, src.type) << t.name;
            EXPECT_TRUE(same_bytes(t, src)) << t.name;
        } else if (t.n_dims == 2 && t.ne[0] % 32 == 0) {
            EXPECT_EQ(t.type, t.name == "token_embd.weight" ? GGML_TYPE_Q8_0 : GGML_TYPE_Q4_Z)
                << t.name;
            EXPECT_TRUE(holds(t, reference_bytes(src, t.type))) << t.name;
        }
    }
    EXPECT_GT(n_perms, 0) << "the act-order checkpoint should carry input permutations";
    expect_finite_logits(out);
}

#endif

// stories260K with its own output matrix (a copy of the embedding), as
// models with an untied classifier have.
void write_with_output_matrix(const std::string &path) {
    auto in = open_ok(MODEL);
    gguf_writer w;
    for (const gguf_kv &kv : in->metadata()) w.set(kv.key, kv.value);
    for (const gguf_tensor &t : in->tensors()) w.add_tensor(t.name, t.type, t.n_dims, t.ne, t.data);
    const gguf_tensor &embd = *in->find_tensor("token_embd.weight");
    w.add_tensor("output.weight", embd.type, embd.n_dims, embd.ne, embd.data);
    std::string error;
    ASSERT_TRUE(w.write(path, &error)) << error;
}

TEST(Quantize, EmbeddingAndOutputTypesCanBeChosen) {
    test::temp_dir dir;
    const std::string untied = dir.file("untied.gguf");
    ASSERT_NO_FATAL_FAILURE(write_with_output_matrix(untied));
    auto in = open_ok(untied);
    const gguf_tensor &embd = *in->find_tensor("token_embd.weight");
    struct case_ {
        std::string flags;
        ggml_type embd, output;
    };
    // by default, as llama.cpp: an embedding of its own gets the preset's
    // type, the output Q6_K, which falls back to Q8_0 (rows of 64); a type
    // given falls back the same way (Q4_K -> Q5_0)
    for (const case_ &c :
         std::vector<case_>{{"", GGML_TYPE_Q4_1, GGML_TYPE_Q8_0},
                            {"--embd-type keep --output-type keep", GGML_TYPE_F32, GGML_TYPE_F32},
                            {"--embd-type q4_z --output-type Q3_Z", GGML_TYPE_Q4_Z, GGML_TYPE_Q3_Z},
                            {"--output-type f16", GGML_TYPE_Q4_1, GGML_TYPE_F16},
                            {"--embd-type q4_k", GGML_TYPE_Q5_0, GGML_TYPE_Q8_0}}) {
        const std::string out_path = dir.file("out.gguf");
        const test::run_result r = quantize(untied + " " + out_path + " Q4_1 " + c.flags);
        ASSERT_EQ(r.status, 0) << c.flags << "\n" << r.output;
        auto out = open_ok(out_path);
        const gguf_tensor &e = *out->find_tensor("token_embd.weight");
        const gguf_tensor &o = *out->find_tensor("output.weight");
        EXPECT_EQ(e.type, c.embd) << c.flags;
        EXPECT_EQ(o.type, c.output) << c.flags;
        EXPECT_TRUE(holds(e, reference_bytes(embd, c.embd))) << c.flags;
        EXPECT_TRUE(holds(o, reference_bytes(embd, c.output))) << c.flags;
        // '.' sorts before '_': llama.cpp writes output.weight first
        EXPECT_EQ(out->tensors()[0].name, "output.weight");
        EXPECT_EQ(out->find_tensor("blk.0.attn_q.weight")->type, GGML_TYPE_Q4_1);
        expect_finite_logits(out_path);
    }
    // without an output matrix, --output-type does nothing, and the tool says so
    const test::run_result tied =
        quantize(MODEL + " " + dir.file("tied.gguf") + " Q4_1 --output-type q4_0");
    ASSERT_EQ(tied.status, 0) << tied.output;
    EXPECT_NE(tied.output.find("--output-type has no effect"), std::string::npos) << tied.output;
    // activations' types are no weight types
    const test::run_result bad =
        quantize(MODEL + " " + dir.file("x.gguf") + " Q4_1 --embd-type q8_k");
    EXPECT_EQ(bad.status, 1);
    EXPECT_NE(bad.output.find("'q8_k' is not keep or one of F32, F16, BF16, Q4_0"),
              std::string::npos)
        << bad.output;
}

// ------------------------------------------------------------------ output safety

TEST(Quantize, OutputThatIsTheInputIsRefused) {
    test::temp_dir dir;
    const std::string model = dir.file("model.gguf");
    std::filesystem::copy_file(MODEL, model);
    const std::vector<uint8_t> original = test::read_bytes(model);
    std::filesystem::create_symlink(model, dir.file("symlink.gguf"));
    std::filesystem::create_hard_link(model, dir.file("hardlink.gguf"));
    for (const std::string &out :
         {model, dir.file("symlink.gguf"), dir.file("hardlink.gguf"), dir.file("./model.gguf")}) {
        const test::run_result r = quantize(model + " " + out + " Q4_0");
        EXPECT_EQ(r.status, 1) << out;
        EXPECT_NE(r.output.find("is the input"), std::string::npos) << r.output;
        EXPECT_FALSE(exists(out + ".tmp"));
    }
    // the temporary file would be the input
    std::filesystem::copy_file(MODEL, dir.file("m.gguf.tmp"));
    const test::run_result r =
        quantize(dir.file("m.gguf.tmp") + " " + dir.file("m.gguf") + " Q4_0");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("temporary file"), std::string::npos) << r.output;
    EXPECT_EQ(test::read_bytes(dir.file("m.gguf.tmp")), original);
    EXPECT_FALSE(exists(dir.file("m.gguf")));
    EXPECT_EQ(test::read_bytes(model), original);
    // GPTQ's calibration text is an input too
    const std::string text = dir.file("calib.txt");
    { std::ofstream(text) << "calibration text"; }
    const test::run_result c = quantize(model + " " + text + " Q4_Z --gptq --calib " + text);
    EXPECT_EQ(c.status, 1);
    EXPECT_NE(c.output.find("is the input " + text), std::string::npos) << c.output;
    EXPECT_EQ(test::read_bytes(text).size(), 16u);
}

// Runs the tool on `args`, expecting failure with `message` and no output file.
void expect_failure(const std::string &args, const std::string &out, const std::string &message) {
    const test::run_result r = quantize(args);
    EXPECT_EQ(r.status, 1) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
    EXPECT_FALSE(exists(out)) << args;
    EXPECT_FALSE(exists(out + ".tmp")) << args;
}

TEST(Quantize, BadInputFailsWithAMessageAndNoOutput) {
    test::temp_dir dir;
    const std::string out = dir.file("out.gguf");
    expect_failure(MODEL + " " + out + " q7_0", out,
                   "unknown TYPE 'q7_0'; choose one of F32, F16, BF16, Q8_0, Q6_K, Q5_K_M");
    expect_failure(MODEL + " " + out + " q4_k_l", out, "unknown TYPE 'q4_k_l'");
    expect_failure(MODEL + " " + out + " q8_1", out, "unknown TYPE 'q8_1'");
    expect_failure(dir.file("missing.gguf") + " " + out + " q4_0", out,
                   "missing.gguf: cannot open");

    std::vector<uint8_t> bytes = test::read_bytes(MODEL);
    bytes.resize(bytes.size() - 1000);
    test::write_bytes(dir.file("truncated.gguf"), bytes);
    expect_failure(dir.file("truncated.gguf") + " " + out + " q4_0", out, "truncated.gguf: ");
    test::write_bytes(dir.file("text.gguf"), {'h', 'e', 'l', 'l', 'o'});
    expect_failure(dir.file("text.gguf") + " " + out + " q4_0", out, "text.gguf: ");

    // nonsense on the command line
    expect_failure(MODEL + " " + out, out, "missing TYPE");
    expect_failure(MODEL + " " + out + " q4_0 --frobnicate", out, "unknown option '--frobnicate'");
    expect_failure(MODEL + " " + out + " q4_0 -t 0", out, "'0' is not an integer from 1");
    expect_failure(MODEL + " " + out + " q4_0 -t", out, "needs a value");
    expect_failure(MODEL + " " + out + " q4_0 extra", out, "unexpected argument 'extra'");

    // an output that cannot be written
    const std::string no_dir = dir.file("no/such/dir/out.gguf");
    expect_failure(MODEL + " " + no_dir + " q4_0", no_dir, "cannot create");
}

// The bundled model with element `column` of row `row` of tensor `name` set
// to `value`.
void write_with_weight(const std::string &path, const std::string &name, int64_t row,
                       int64_t column, float value) {
    auto in = open_ok(MODEL);
    ASSERT_NE(in, nullptr);
    gguf_writer w;
    for (const gguf_kv &kv : in->metadata()) w.set(kv.key, kv.value);
    std::vector<float> changed;
    for (const gguf_tensor &t : in->tensors()) {
        if (t.name != name) {
            w.add_tensor(t.name, t.type, t.n_dims, t.ne, t.data);
            continue;
        }
        ASSERT_EQ(t.type, GGML_TYPE_F32);
        changed.assign(static_cast<const float *>(t.data),
                       static_cast<const float *>(t.data) + t.size / 4);
        changed[size_t(row * t.ne[0] + column)] = value;
        w.add_tensor(t.name, t.type, t.n_dims, t.ne, changed.data());
    }
    std::string error;
    ASSERT_TRUE(w.write(path, &error)) << error;
}

// The loader takes a matrix of any weight type, but not of the types that
// only activations have (Q8_1, Q8_K): there is no dot product for them.
TEST(Quantize, LoaderRefusesActivationTypesAsWeights) {
    test::temp_dir dir;
    const std::string path = dir.file("q8_1.gguf");
    {
        auto in = open_ok(MODEL);
        gguf_writer w;
        for (const gguf_kv &kv : in->metadata()) w.set(kv.key, kv.value);
        std::vector<uint8_t> q8_1;
        for (const gguf_tensor &t : in->tensors()) {
            if (t.name != "blk.0.attn_q.weight") {
                w.add_tensor(t.name, t.type, t.n_dims, t.ne, t.data);
                continue;
            }
            q8_1.resize(ggml_row_size(GGML_TYPE_Q8_1, t.ne[0]) * size_t(n_rows(t)));
            ggml_quantize_rows(GGML_TYPE_Q8_1, static_cast<const float *>(t.data), q8_1.data(),
                               n_rows(t), t.ne[0]);
            w.add_tensor(t.name, GGML_TYPE_Q8_1, t.n_dims, t.ne, q8_1.data());
        }
        std::string error;
        ASSERT_TRUE(w.write(path, &error)) << error;
    }
    EXPECT_EQ(llama_model_load(path.c_str()), nullptr);
    EXPECT_NE(std::string(llama_last_error())
                  .find("tensor 'blk.0.attn_q.weight' has type Q8_1, which a weight cannot have"),
              std::string::npos)
        << llama_last_error();
}

TEST(Quantize, WeightsThatAreNotFiniteAreRefusedByName) {
    // the quantizers would write garbage for them (and convert NaN to an
    // integer, which is undefined), and the tool used to exit 0
    test::temp_dir dir;
    const std::string nan_model = dir.file("nan.gguf"), inf_model = dir.file("inf.gguf");
    const std::string out = dir.file("out.gguf");
    write_with_weight(nan_model, "blk.1.attn_k.weight", 3, 5, std::nanf(""));
    write_with_weight(inf_model, "blk.4.ffn_up.weight", 100, 63, -INFINITY);
    const std::string nan_message =
        "quantize: tensor 'blk.1.attn_k.weight' row 3 column 5 is nan: weights that are not "
        "finite cannot be quantized (is the model broken?)\n";
    for (const char *type : {"Q4_0", "Q8_0", "Q4_K_M", "F16"}) {
        const test::run_result r = quantize(nan_model + " " + out + " " + type);
        EXPECT_EQ(r.status, 1) << r.output;
        EXPECT_EQ(r.output.substr(r.output.rfind("quantize: ")), nan_message) << type;
        EXPECT_FALSE(exists(out));
        EXPECT_FALSE(exists(out + ".tmp"));
    }
    const test::run_result r = quantize(inf_model + " " + out + " Q4_Z -t 3");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(r.output.substr(r.output.rfind("quantize: ")),
              "quantize: tensor 'blk.4.ffn_up.weight' row 100 column 63 is -inf: weights that are "
              "not finite cannot be quantized (is the model broken?)\n");
    const test::run_result g =
        quantize(nan_model + " " + out + " Q4_Z --gptq --calib " +
                 test::data("wikitext-2/wiki.valid.head.tokens") + " --calib-chunks 2");
    EXPECT_EQ(g.status, 1) << g.output;
    EXPECT_EQ(g.output.substr(g.output.rfind("quantize: ")), nan_message) << g.output;
    EXPECT_FALSE(exists(out));
}

TEST(Quantize, APlantedTemporaryLinkIsNotFollowed) {
    // out.gguf.tmp linked to another file made the tool overwrite that file
    test::temp_dir dir;
    const std::string out = dir.file("out.gguf"), victim = dir.file("victim.txt");
    { std::ofstream(victim) << "precious"; }
    std::filesystem::create_symlink(victim, out + ".tmp");
    const test::run_result r = quantize(MODEL + " " + out + " Q4_0");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find(out + ".tmp: exists and is not a regular file"), std::string::npos)
        << r.output;
    EXPECT_EQ(test::read_text(victim), "precious");
    EXPECT_FALSE(exists(out));
}

TEST(Quantize, HelpDocumentsEverything) {
    const test::run_result r = quantize("-h");
    EXPECT_EQ(r.status, 0);
    for (const char *text :
         {"IN.gguf OUT.gguf TYPE", "-t, --threads N", "--embd-type TYPE|keep",
          "--output-type TYPE|keep", "--allow-requantize", "--pure", "Q4_Z    Q4_Z    4.75  2048",
          "Q3_Z    Q3_Z    3.75  2049", "Q4_1    Q4_1    5.00     3", "Q4_K_M  Q4_K    4.50    15",
          "Q2_K    Q2_K    2.62    10", "IQ4_XS  IQ4_XS  4.25    30", "BF16    BF16   16.00    32",
          "Q3_K, Q4_K, Q5_K", "Q6_K -> Q8_0", "OUT.tmp"})
        EXPECT_NE(r.output.find(text), std::string::npos) << text << "\n" << r.output;
}

// A GGUF file big enough that quantizing it takes a while: three F32
// matrices of 2048 x 4096.
void write_big_model(const std::string &path) {
    std::vector<float> x(size_t(2048) * 4096);
    for (size_t i = 0; i < x.size(); i++) x[i] = float(std::sin(double(i)));
    gguf_writer w;
    w.set_string("general.architecture", "llama");
    const int64_t ne[2] = {2048, 4096};
    for (const char *name : {"a.weight", "b.weight", "c.weight"})
        w.add_tensor(name, GGML_TYPE_F32, 2, ne, x.data());
    std::string error;
    ASSERT_TRUE(w.write(path, &error)) << error;
}

TEST(Quantize, InterruptLeavesNoFileBehind) {
    test::temp_dir dir;
    const std::string in = dir.file("big.gguf"), out = dir.file("out.gguf");
    ASSERT_NO_FATAL_FAILURE(write_big_model(in));
    const pid_t child = fork();
    if (child == 0) {
        std::freopen("/dev/null", "w", stdout);
        std::freopen("/dev/null", "w", stderr);
        execl(TOOL.c_str(), TOOL.c_str(), in.c_str(), out.c_str(), "Q3_Z", "-t", "1",
              (char *)nullptr);
        _exit(127);
    }
    // interrupt as soon as the temporary file exists, while tensors are written
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!exists(out + ".tmp") && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    ASSERT_TRUE(exists(out + ".tmp")) << "the temporary file never appeared";
    kill(child, SIGINT);
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT)
        << "the tool should die of the signal (did it finish first?)";
    EXPECT_FALSE(exists(out + ".tmp"));
    EXPECT_FALSE(exists(out));
}

} // namespace
