// GGUF: the reader on a real llama.cpp file, the writer's round trip (byte
// for byte as llama.cpp writes), and the reader's refusal of malformed files
// with a message naming the problem.
#include "file_util.h"
#include "gguf.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <malloc.h>
#include <optional>
#include <stdexcept>

using namespace llama;

namespace {

const std::string STORIES = test::data("gguf/stories260K-f32.gguf");
const std::string VOCAB_ONLY = test::data("gguf/ggml-vocab-llama-spm.gguf");

std::unique_ptr<gguf_file> open_ok(const std::string &path) {
    std::string error;
    std::unique_ptr<gguf_file> f = gguf_file::open(path, &error);
    EXPECT_NE(f, nullptr) << error;
    return f;
}

// ------------------------------------------------------------------ reader

TEST(GgufReader, ReadsLlamaCppStories260K) {
    auto f = open_ok(STORIES);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->version(), 3u);
    EXPECT_EQ(f->alignment(), 32u);
    EXPECT_EQ(f->find("general.alignment"), nullptr);
    EXPECT_EQ(f->metadata().size(), 19u);
    EXPECT_EQ(f->metadata().front().key, "tokenizer.ggml.tokens"); // llama.cpp's order kept
    EXPECT_EQ(f->data_offset(), 14176u);

    std::string error;
    EXPECT_EQ(gguf_get_string(*f, "general.architecture", &error), "llama");
    EXPECT_EQ(gguf_get_uint(*f, "llama.context_length", &error), 128u);
    EXPECT_EQ(gguf_get_uint(*f, "llama.attention.head_count_kv", &error), 4u);
    EXPECT_EQ(gguf_get_uint(*f, "tokenizer.ggml.padding_token_id", &error), 4294967295u);
    EXPECT_FLOAT_EQ(float(*gguf_get_float(*f, "llama.attention.layer_norm_rms_epsilon", &error)),
                    1e-5f);
    const gguf_array *tokens =
        gguf_get_array(*f, "tokenizer.ggml.tokens", gguf_type::STRING, &error);
    ASSERT_NE(tokens, nullptr);
    ASSERT_EQ(tokens->values.size(), 512u);
    EXPECT_EQ(std::get<std::string>(tokens->values[1]), "<s>");
    EXPECT_EQ(std::get<std::string>(tokens->values[259]), "\xE2\x96\x81t");
    EXPECT_EQ(error, "");

    ASSERT_EQ(f->tensors().size(), 48u); // 3 + 5 layers * 9
    const gguf_tensor &embd = f->tensors()[0];
    EXPECT_EQ(embd.name, "token_embd.weight");
    EXPECT_EQ(embd.type, GGML_TYPE_F32);
    EXPECT_EQ(embd.n_dims, 2);
    EXPECT_EQ(embd.ne[0], 64);
    EXPECT_EQ(embd.ne[1], 512);
    EXPECT_EQ(embd.ne[2], 1);
    EXPECT_EQ(embd.offset, 0u);
    EXPECT_EQ(embd.size, 64u * 512 * 4);
    const gguf_tensor *down = f->find_tensor("blk.4.ffn_down.weight");
    ASSERT_NE(down, nullptr);
    EXPECT_EQ(down->ne[0], 172);
    EXPECT_EQ(down->ne[1], 64);
    EXPECT_NE(f->find_tensor("output.weight"), nullptr);
    EXPECT_EQ(f->find_tensor("blk.5.ffn_down.weight"), nullptr);

    // The data pointers are where the file has the bytes.
    const std::vector<uint8_t> bytes = test::read_bytes(STORIES);
    ASSERT_EQ(bytes.size(), f->file_size());
    for (const gguf_tensor &t : f->tensors())
        ASSERT_EQ(std::memcmp(t.data, bytes.data() + f->data_offset() + t.offset, t.size), 0)
            << t.name;
}

TEST(GgufReader, ReadsVocabOnlyFileWithoutDataSection) {
    // No tensors, and the file ends before the (empty) data section would
    // start: llama.cpp writes no padding then.
    auto f = open_ok(VOCAB_ONLY);
    ASSERT_NE(f, nullptr);
    EXPECT_TRUE(f->tensors().empty());
    EXPECT_EQ(f->metadata().size(), 22u);
    EXPECT_GT(f->data_offset(), f->file_size());
    std::string error;
    EXPECT_EQ(gguf_get_bool(*f, "tokenizer.ggml.add_bos_token", &error), true);
    EXPECT_EQ(gguf_get_string(*f, "tokenizer.ggml.pre", &error), "default");
}

TEST(GgufReader, TypedGettersReportWrongTypesAndMissingKeys) {
    auto f = open_ok(STORIES);
    ASSERT_NE(f, nullptr);
    std::string error;
    EXPECT_EQ(gguf_get_uint(*f, "no.such.key", &error), std::nullopt);
    EXPECT_EQ(error, "") << "absence is not an error for get_";

    EXPECT_EQ(gguf_get_uint(*f, "general.name", &error), std::nullopt);
    EXPECT_NE(error.find("stories260K-f32.gguf: key 'general.name' has type STRING"),
              std::string::npos)
        << error;
    error.clear();
    EXPECT_EQ(gguf_get_float(*f, "llama.block_count", &error), std::nullopt);
    EXPECT_NE(error.find("expected FLOAT32 or FLOAT64"), std::string::npos) << error;
    error.clear();
    EXPECT_EQ(gguf_get_array(*f, "tokenizer.ggml.scores", gguf_type::INT32, &error), nullptr);
    EXPECT_NE(error.find("has type ARRAY of FLOAT32, expected ARRAY of INT32"), std::string::npos)
        << error;
    error.clear();
    EXPECT_EQ(gguf_get_bool(*f, "general.name", &error), std::nullopt);
    EXPECT_NE(error.find("expected BOOL"), std::string::npos) << error;
    error.clear();

    EXPECT_EQ(gguf_require_uint(*f, "llama.rope.freq_base", &error), std::nullopt);
    EXPECT_NE(error.find("required key 'llama.rope.freq_base' is missing"), std::string::npos)
        << error;
    error.clear();
    EXPECT_EQ(gguf_require_uint(*f, "llama.block_count", &error), 5u);
    EXPECT_EQ(gguf_require_string(*f, "general.name", &error), "llama");
    EXPECT_NE(gguf_require_array(*f, "tokenizer.ggml.scores", gguf_type::FLOAT32, &error), nullptr);
    EXPECT_EQ(error, "");
}

TEST(GgufReader, OpenReportsMissingAndEmptyFiles) {
    test::temp_dir dir;
    std::string error;
    EXPECT_EQ(gguf_file::open(dir.file("missing.gguf"), &error), nullptr);
    EXPECT_NE(error.find("missing.gguf: cannot open"), std::string::npos) << error;
    test::write_bytes(dir.file("empty.gguf"), {});
    EXPECT_EQ(gguf_file::open(dir.file("empty.gguf"), &error), nullptr);
    EXPECT_NE(error.find("empty.gguf: the file is empty"), std::string::npos) << error;
    EXPECT_EQ(gguf_file::open(dir.file(""), &error), nullptr);
    EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
}

// ------------------------------------------------------------------ writer

// Copies every key and tensor of `f` into a writer.
gguf_writer copy_of(const gguf_file &f) {
    gguf_writer w;
    for (const gguf_kv &kv : f.metadata()) w.set(kv.key, kv.value);
    for (const gguf_tensor &t : f.tensors()) w.add_tensor(t.name, t.type, t.n_dims, t.ne, t.data);
    return w;
}

TEST(GgufWriter, RewritesLlamaCppFileByteForByte) {
    // Same metadata order, tensor infos, padding and alignment as llama.cpp.
    auto f = open_ok(STORIES);
    ASSERT_NE(f, nullptr);
    test::temp_dir dir;
    const std::string out = dir.file("copy.gguf");
    std::string error;
    ASSERT_TRUE(copy_of(*f).write(out, &error)) << error;
    EXPECT_EQ(test::read_bytes(out), test::read_bytes(STORIES));
    EXPECT_FALSE(std::filesystem::exists(gguf_writer::temp_path(out)));
}

TEST(GgufWriter, RoundTripsEveryValueTypeAndTensorType) {
    gguf_writer w;
    w.set_u32("general.alignment", 64);
    w.set("u8", {gguf_type::UINT8, uint64_t(255)});
    w.set("i8", {gguf_type::INT8, int64_t(-128)});
    w.set("u16", {gguf_type::UINT16, uint64_t(65535)});
    w.set("i16", {gguf_type::INT16, int64_t(-32768)});
    w.set_u32("u32", 4000000000u);
    w.set_i32("i32", -2000000000);
    w.set("u64", {gguf_type::UINT64, uint64_t(1) << 63});
    w.set("i64", {gguf_type::INT64, INT64_MIN});
    w.set_f32("f32", 0.1f);
    w.set("f64", {gguf_type::FLOAT64, 0.1});
    w.set_bool("bool", true);
    w.set_string("string", "h\xC3\xA9llo, \xE2\x96\x81world");
    w.set_string("empty", "");
    w.set_strings("strings", {"a", "", "\xE2\x96\x81the"});
    w.set_f32s("f32s", {1.5f, -0.0f, 3e38f});
    w.set_i32s("i32s", {-1, 0, INT32_MAX});
    w.set("bools", {gguf_type::ARRAY, gguf_array{gguf_type::BOOL, {true, false}}});
    w.set("u8s", {gguf_type::ARRAY, gguf_array{gguf_type::UINT8, {}}});
    w.set_u32("replaced", 1);
    w.set_u32("replaced", 2); // in place: stays before "last"
    w.set_string("last", "end");

    std::vector<float> f32(8 * 3);
    for (size_t i = 0; i < f32.size(); i++) f32[i] = float(i) * 0.25f - 2.0f;
    std::vector<uint8_t> q4(ggml_row_size(GGML_TYPE_Q4_0, 64) * 2),
        q8(ggml_row_size(GGML_TYPE_Q8_0, 32));
    for (size_t i = 0; i < q4.size(); i++) q4[i] = uint8_t(i * 7);
    for (size_t i = 0; i < q8.size(); i++) q8[i] = uint8_t(i * 13);
    const int64_t ne_f32[2] = {8, 3}, ne_q4[3] = {64, 1, 2}, ne_q8[1] = {32}, ne_f16[1] = {5};
    w.add_tensor("f32", GGML_TYPE_F32, 2, ne_f32, f32.data());
    w.add_tensor("q4", GGML_TYPE_Q4_0, 3, ne_q4, q4.data());
    w.add_tensor("q8", GGML_TYPE_Q8_0, 1, ne_q8,
                 [&](void *dst) { std::memcpy(dst, q8.data(), q8.size()); });
    w.add_tensor("f16", GGML_TYPE_F16, 1, ne_f16, [](void *dst) {
        for (int i = 0; i < 5; i++)
            static_cast<ggml_fp16_t *>(dst)[i] = ggml_fp32_to_fp16(float(i));
    });

    test::temp_dir dir;
    const std::string out = dir.file("all.gguf");
    std::string error;
    ASSERT_TRUE(w.write(out, &error)) << error;
    auto f = open_ok(out);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->alignment(), 64u);

    const std::vector<std::string> keys = {"general.alignment",
                                           "u8",
                                           "i8",
                                           "u16",
                                           "i16",
                                           "u32",
                                           "i32",
                                           "u64",
                                           "i64",
                                           "f32",
                                           "f64",
                                           "bool",
                                           "string",
                                           "empty",
                                           "strings",
                                           "f32s",
                                           "i32s",
                                           "bools",
                                           "u8s",
                                           "replaced",
                                           "last"};
    ASSERT_EQ(f->metadata().size(), keys.size());
    for (size_t i = 0; i < keys.size(); i++) EXPECT_EQ(f->metadata()[i].key, keys[i]);
    EXPECT_EQ(*f->find("u8"), (gguf_value{gguf_type::UINT8, uint64_t(255)}));
    EXPECT_EQ(*f->find("i8"), (gguf_value{gguf_type::INT8, int64_t(-128)}));
    EXPECT_EQ(*f->find("u16"), (gguf_value{gguf_type::UINT16, uint64_t(65535)}));
    EXPECT_EQ(*f->find("i16"), (gguf_value{gguf_type::INT16, int64_t(-32768)}));
    EXPECT_EQ(*f->find("u32"), (gguf_value{gguf_type::UINT32, uint64_t(4000000000u)}));
    EXPECT_EQ(*f->find("i32"), (gguf_value{gguf_type::INT32, int64_t(-2000000000)}));
    EXPECT_EQ(*f->find("u64"), (gguf_value{gguf_type::UINT64, uint64_t(1) << 63}));
    EXPECT_EQ(*f->find("i64"), (gguf_value{gguf_type::INT64, INT64_MIN}));
    EXPECT_EQ(*f->find("f32"), (gguf_value{gguf_type::FLOAT32, double(0.1f)}));
    EXPECT_EQ(*f->find("f64"), (gguf_value{gguf_type::FLOAT64, 0.1}));
    EXPECT_EQ(*f->find("bool"), (gguf_value{gguf_type::BOOL, true}));
    EXPECT_EQ(gguf_get_string(*f, "string", &error), "h\xC3\xA9llo, \xE2\x96\x81world");
    EXPECT_EQ(gguf_get_string(*f, "empty", &error), "");
    EXPECT_EQ(*gguf_get_array(*f, "strings", gguf_type::STRING, &error),
              (gguf_array{gguf_type::STRING, {"a", "", "\xE2\x96\x81the"}}));
    const gguf_array *f32s = gguf_get_array(*f, "f32s", gguf_type::FLOAT32, &error);
    ASSERT_NE(f32s, nullptr);
    EXPECT_EQ(*f32s, (gguf_array{gguf_type::FLOAT32, {1.5, -0.0, double(3e38f)}}));
    EXPECT_TRUE(std::signbit(std::get<double>(f32s->values[1])));
    EXPECT_EQ(*gguf_get_array(*f, "i32s", gguf_type::INT32, &error),
              (gguf_array{gguf_type::INT32, {int64_t(-1), int64_t(0), int64_t(INT32_MAX)}}));
    EXPECT_EQ(*gguf_get_array(*f, "bools", gguf_type::BOOL, &error),
              (gguf_array{gguf_type::BOOL, {true, false}}));
    EXPECT_TRUE(gguf_get_array(*f, "u8s", gguf_type::UINT8, &error)->values.empty());
    EXPECT_EQ(gguf_get_uint(*f, "replaced", &error), 2u);
    EXPECT_EQ(error, "");

    ASSERT_EQ(f->tensors().size(), 4u);
    const std::vector<std::pair<std::string, std::vector<uint8_t>>> expected = {
        {"f32", std::vector<uint8_t>(reinterpret_cast<const uint8_t *>(f32.data()),
                                     reinterpret_cast<const uint8_t *>(f32.data() + f32.size()))},
        {"q4", q4},
        {"q8", q8},
        {"f16", {0x00, 0x00, 0x00, 0x3c, 0x00, 0x40, 0x00, 0x42, 0x00, 0x44}}};
    uint64_t offset = 0;
    for (size_t i = 0; i < expected.size(); i++) {
        const gguf_tensor &t = f->tensors()[i];
        EXPECT_EQ(t.name, expected[i].first);
        EXPECT_EQ(t.offset, offset) << "each tensor padded to the alignment, in order";
        ASSERT_EQ(t.size, expected[i].second.size()) << t.name;
        EXPECT_EQ(std::memcmp(t.data, expected[i].second.data(), t.size), 0) << t.name;
        offset = (offset + t.size + 63) / 64 * 64;
    }
    EXPECT_EQ(f->tensors()[1].n_dims, 3);
    EXPECT_EQ(f->tensors()[1].ne[2], 2);
    EXPECT_EQ(f->data_offset() % 64, 0u);
    EXPECT_EQ(f->file_size(), f->data_offset() + offset) << "the last tensor is padded too";
}

// A writer whose write() must fail with `message`, creating nothing.
void expect_write_fails(const gguf_writer &w, const std::string &message) {
    test::temp_dir dir;
    const std::string out = dir.file("bad.gguf");
    std::string error;
    EXPECT_FALSE(w.write(out, &error));
    EXPECT_NE(error.find(message), std::string::npos) << error;
    EXPECT_FALSE(std::filesystem::exists(out));
    EXPECT_FALSE(std::filesystem::exists(gguf_writer::temp_path(out)));
}

TEST(GgufWriter, RefusesWhatTheReaderWouldRefuse) {
    const int64_t ne[2] = {32, 2};
    const float data[64] = {};
    const std::vector<std::pair<std::function<void(gguf_writer &)>, std::string>> cases = {
        {[&](gguf_writer &w) { w.add_tensor(std::string(64, 'x'), GGML_TYPE_F32, 2, ne, data); },
         "the limit is 63"},
        {[&](gguf_writer &w) { w.add_tensor("", GGML_TYPE_F32, 2, ne, data); }, "empty name"},
        {[&](gguf_writer &w) {
             w.add_tensor("t", GGML_TYPE_F32, 2, ne, data);
             w.add_tensor("t", GGML_TYPE_F32, 2, ne, data);
         },
         "duplicate tensor name 't'"},
        {[&](gguf_writer &w) {
             const int64_t odd[1] = {33};
             w.add_tensor("q", GGML_TYPE_Q8_0, 1, odd, data);
         },
         "not a multiple of the Q8_0 block size 32"},
        {[&](gguf_writer &w) { w.add_tensor("t", GGML_TYPE_F32, 5, ne, data); }, "n_dims is 5"},
        {[&](gguf_writer &w) {
             const int64_t negative[1] = {-4};
             w.add_tensor("t", GGML_TYPE_F32, 1, negative, data);
         },
         "negative"},
        {[&](gguf_writer &w) { w.add_tensor("t", ggml_type(77), 2, ne, data); },
         "unknown tensor type id 77"},
        {[&](gguf_writer &w) { w.add_tensor("t", GGML_TYPE_F32, 2, ne, nullptr); }, "has no data"},
        {[](gguf_writer &w) {
             w.set("k", {gguf_type::UINT8, uint64_t(256)});
         },
         "key 'k': 256 does not fit UINT8"},
        {[](gguf_writer &w) {
             w.set("k", {gguf_type::INT16, int64_t(-40000)});
         },
         "does not fit INT16"},
        {[](gguf_writer &w) {
             w.set("k", {gguf_type::UINT32, std::string("x")});
         },
         "the type is UINT32 but the value holds a string"},
        {[](gguf_writer &w) {
             w.set("k", {gguf_type::ARRAY, gguf_array{gguf_type::STRING, {"a", int64_t(1)}}});
         },
         "element 1: the type is STRING but the value holds a signed integer"},
        {[](gguf_writer &w) {
             w.set("k", {gguf_type::ARRAY, gguf_array{gguf_type::ARRAY, {}}});
         },
         "nested arrays"},
        {[](gguf_writer &w) { w.set_string("", "x"); }, "empty"},
        {[](gguf_writer &w) { w.set_u32("general.alignment", 48); }, "power of two"},
        {[](gguf_writer &w) { w.set_u32("general.alignment", 0); }, "power of two"},
        {[](gguf_writer &w) {
             w.set("general.alignment", {gguf_type::UINT64, uint64_t(32)});
         },
         "must be a UINT32"},
    };
    for (const auto &[build, message] : cases) {
        gguf_writer w;
        build(w);
        expect_write_fails(w, message);
    }
}

TEST(GgufWriter, FailedWriteLeavesExistingFileUntouched) {
    test::temp_dir dir;
    const std::string out = dir.file("model.gguf");
    test::write_bytes(out, {1, 2, 3});
    gguf_writer w;
    const int64_t ne[1] = {4};
    w.add_tensor("t", GGML_TYPE_F32, 1, ne, std::function<void(void *)>());
    std::string error;
    EXPECT_FALSE(w.write(out, &error));
    EXPECT_EQ(test::read_bytes(out), (std::vector<uint8_t>{1, 2, 3}));

    gguf_writer throws;
    throws.add_tensor("t", GGML_TYPE_F32, 1, ne,
                      [](void *) { throw std::runtime_error("source unreadable"); });
    EXPECT_THROW(throws.write(out, &error), std::runtime_error);
    EXPECT_EQ(test::read_bytes(out), (std::vector<uint8_t>{1, 2, 3}));
    EXPECT_FALSE(std::filesystem::exists(gguf_writer::temp_path(out)));

    gguf_writer ok;
    ok.set_string("general.name", "x");
    EXPECT_FALSE(ok.write(dir.file("no/such/dir/model.gguf"), &error));
    EXPECT_NE(error.find("no/such/dir/model.gguf.tmp: cannot create"), std::string::npos) << error;
}

TEST(GgufWriter, TheTemporaryFileNeverWritesThroughWhatIsThere) {
    test::temp_dir dir;
    const std::string out = dir.file("model.gguf"), tmp = gguf_writer::temp_path(out);
    const std::string victim = dir.file("victim.txt");
    test::write_bytes(victim, {'k', 'e', 'e', 'p'});
    gguf_writer w;
    w.set_string("general.name", "x");
    std::string error;

    // a planted link: refused, its target untouched (O_TRUNC followed it)
    std::filesystem::create_symlink(victim, tmp);
    EXPECT_FALSE(w.write(out, &error));
    EXPECT_EQ(error, tmp + ": exists and is not a regular file (a symbolic link?), so it is not "
                           "replaced; remove it or choose another output");
    EXPECT_EQ(test::read_text(victim), "keep");
    EXPECT_TRUE(std::filesystem::is_symlink(tmp));
    EXPECT_FALSE(std::filesystem::exists(out));
    std::filesystem::remove(tmp);

    // a leftover regular file is replaced, not written into: another name of
    // the same file (a hard link) keeps its bytes
    std::filesystem::create_hard_link(victim, tmp);
    ASSERT_TRUE(w.write(out, &error)) << error;
    EXPECT_EQ(test::read_text(victim), "keep");
    EXPECT_FALSE(std::filesystem::exists(tmp));
    std::string reopen_error;
    EXPECT_NE(gguf_file::open(out, &reopen_error), nullptr) << reopen_error;
}

// ------------------------------------------------------------------ malformed files

// GGUF bytes encoded field by field, independently of gguf_writer, so the
// tests can write anything a corrupt file might hold.
struct raw_bytes {
    std::vector<uint8_t> b;
    raw_bytes &u8(uint8_t v) { return put(&v, 1); }
    raw_bytes &u32(uint32_t v) { return put(&v, 4); }
    raw_bytes &u64(uint64_t v) { return put(&v, 8); }
    raw_bytes &str(std::string_view s) {
        u64(s.size());
        return put(s.data(), s.size());
    }
    raw_bytes &append(const raw_bytes &other) { return put(other.b.data(), other.b.size()); }
    raw_bytes &put(const void *p, size_t n) {
        b.insert(b.end(), static_cast<const uint8_t *>(p), static_cast<const uint8_t *>(p) + n);
        return *this;
    }
};

constexpr uint32_t T_UINT8 = 0, T_UINT32 = 4, T_BOOL = 7, T_STRING = 8, T_ARRAY = 9, T_UINT64 = 10;

struct raw_tensor {
    std::string name;
    uint32_t n_dims;
    std::vector<uint64_t> ne;
    uint32_t type;
    uint64_t offset;
};

// A small valid file, and the knobs the cases turn to break it.
struct raw_file {
    uint32_t magic = 0x46554747;
    uint32_t version = 3;
    std::optional<uint64_t> n_tensors, n_kv; // override the true counts
    std::vector<raw_bytes> kvs;              // each: key, type, value
    std::vector<raw_tensor> tensors;
    uint32_t alignment = 32;
    uint64_t data_bytes = 82; // ends with t1, so every cut loses tensor bytes

    raw_file() {
        kvs.push_back(raw_bytes().str("general.name").u32(T_STRING).str("tiny"));
        kvs.push_back(
            raw_bytes().str("tokens").u32(T_ARRAY).u32(T_STRING).u64(2).str("a").str("b"));
        kvs.push_back(raw_bytes().str("count").u32(T_UINT32).u32(7));
        tensors.push_back({"t0", 2, {8, 2}, GGML_TYPE_F32, 0}); // 64 bytes
        tensors.push_back({"t1", 1, {32}, GGML_TYPE_Q4_0, 64}); // 18 bytes
    }

    std::vector<uint8_t> bytes() const {
        raw_bytes r;
        r.u32(magic).u32(version);
        r.u64(n_tensors.value_or(tensors.size())).u64(n_kv.value_or(kvs.size()));
        for (const raw_bytes &kv : kvs) r.append(kv);
        for (const raw_tensor &t : tensors) {
            r.str(t.name).u32(t.n_dims);
            for (uint64_t n : t.ne) r.u64(n);
            r.u32(t.type).u64(t.offset);
        }
        r.b.resize((r.b.size() + alignment - 1) / alignment * alignment, 0);
        for (uint64_t i = 0; i < data_bytes; i++) r.u8(uint8_t(i));
        return r.b;
    }
};

std::string parse_error(std::vector<uint8_t> bytes) {
    std::string error;
    std::unique_ptr<gguf_file> f = gguf_file::from_bytes("bad.gguf", std::move(bytes), &error);
    if (f) return "(no error)";
    EXPECT_EQ(error.rfind("bad.gguf: ", 0), 0u) << "the message names the file: " << error;
    return error;
}

TEST(GgufMalformed, BaseFileIsValid) {
    std::string error;
    auto f = gguf_file::from_bytes("base.gguf", raw_file().bytes(), &error);
    ASSERT_NE(f, nullptr) << error;
    EXPECT_EQ(f->tensors().size(), 2u);
    EXPECT_EQ(f->tensors()[1].size, 18u);
}

TEST(GgufMalformed, EachDefectGivesItsMessage) {
    struct defect {
        const char *what;
        std::function<void(raw_file &)> apply;
        const char *message;
    };
    const std::vector<defect> defects = {
        {"wrong magic", [](raw_file &f) { f.magic = 0x4c4d4747; }, "starts with 'GGML'"},
        {"version 1", [](raw_file &f) { f.version = 1; }, "GGUF version 1 is not supported"},
        {"version 2", [](raw_file &f) { f.version = 2; }, "GGUF version 2 is not supported"},
        {"version 4", [](raw_file &f) { f.version = 4; }, "unknown GGUF version 4"},
        {"big endian", [](raw_file &f) { f.version = 0x03000000; }, "big-endian"},
        {"n_tensors 2^60", [](raw_file &f) { f.n_tensors = uint64_t(1) << 60; },
         "claims 1152921504606846976 tensors"},
        {"n_kv 2^63", [](raw_file &f) { f.n_kv = uint64_t(1) << 63; },
         "claims 9223372036854775808 metadata entries"},
        {"n_kv one too many", [](raw_file &f) { f.n_kv = 4; }, "runs past the end of the file"},
        {"key length 2^62",
         [](raw_file &f) { f.kvs[0] = raw_bytes().u64(uint64_t(1) << 62).u32(T_UINT32).u32(1); },
         "metadata entry 0: a string of 4611686018427387904 bytes"},
        {"string value length huge",
         [](raw_file &f) { f.kvs[0] = raw_bytes().str("general.name").u32(T_STRING).u64(~0ull); },
         "key 'general.name': a string of 18446744073709551615 bytes"},
        {"array count huge",
         [](raw_file &f) {
             f.kvs[1] = raw_bytes().str("tokens").u32(T_ARRAY).u32(T_UINT32).u64(uint64_t(1) << 61);
         },
         "key 'tokens': an array of 2305843009213693952 UINT32 elements"},
        {"string array element too long",
         [](raw_file &f) {
             f.kvs[1] =
                 raw_bytes().str("tokens").u32(T_ARRAY).u32(T_STRING).u64(2).str("a").u64(1000);
         },
         "key 'tokens', element 1: a string of 1000 bytes"},
        {"nested array",
         [](raw_file &f) {
             f.kvs[1] =
                 raw_bytes().str("tokens").u32(T_ARRAY).u32(T_ARRAY).u64(1).u32(T_UINT8).u64(1).u8(
                     0);
         },
         "key 'tokens': nested arrays are not allowed"},
        {"unknown value type",
         [](raw_file &f) { f.kvs[2] = raw_bytes().str("count").u32(13).u32(7); },
         "key 'count': unknown value type 13"},
        {"unknown element type",
         [](raw_file &f) { f.kvs[1] = raw_bytes().str("tokens").u32(T_ARRAY).u32(99).u64(0); },
         "unknown array element type 99"},
        {"bool 2", [](raw_file &f) { f.kvs[2] = raw_bytes().str("count").u32(T_BOOL).u8(2); },
         "key 'count': a BOOL value is 2"},
        {"duplicate key",
         [](raw_file &f) { f.kvs[2] = raw_bytes().str("general.name").u32(T_UINT32).u32(7); },
         "key 'general.name': duplicate key (metadata entries 0 and 2)"},
        {"empty key", [](raw_file &f) { f.kvs[2] = raw_bytes().str("").u32(T_UINT32).u32(7); },
         "metadata entry 2: the key is empty"},
        {"alignment 0",
         [](raw_file &f) {
             f.kvs.push_back(raw_bytes().str("general.alignment").u32(T_UINT32).u32(0));
         },
         "the alignment 0 is not a power of two"},
        {"alignment 3",
         [](raw_file &f) {
             f.kvs.push_back(raw_bytes().str("general.alignment").u32(T_UINT32).u32(3));
         },
         "the alignment 3 is not a power of two"},
        {"alignment 2",
         [](raw_file &f) {
             f.kvs.push_back(raw_bytes().str("general.alignment").u32(T_UINT32).u32(2));
         },
         "the alignment 2 is not from 4 to 2^31"},
        {"alignment as u64",
         [](raw_file &f) {
             f.kvs.push_back(raw_bytes().str("general.alignment").u32(T_UINT64).u64(32));
         },
         "key 'general.alignment': the type is UINT64; it must be UINT32"},
        {"duplicate tensor",
         [](raw_file &f) {
             f.tensors[1] = {"t0", 1, {32}, GGML_TYPE_Q4_0, 64};
         },
         "tensor 't0': duplicate tensor name (tensors 0 and 1)"},
        {"empty tensor name", [](raw_file &f) { f.tensors[1].name = ""; },
         "tensor 1: the name is empty"},
        {"tensor name 64 bytes", [](raw_file &f) { f.tensors[1].name = std::string(64, 'n'); },
         "the name is 64 bytes long; the limit is 63"},
        {"n_dims 0",
         [](raw_file &f) {
             f.tensors[1] = {"t1", 0, {}, GGML_TYPE_Q4_0, 64};
         },
         "tensor 't1': n_dims is 0; it must be 1 to 4"},
        {"n_dims 5",
         [](raw_file &f) {
             f.tensors[1] = {"t1", 5, {32, 1, 1, 1, 1}, GGML_TYPE_Q4_0, 64};
         },
         "tensor 't1': n_dims is 5; it must be 1 to 4"},
        {"ne zero",
         [](raw_file &f) {
             f.tensors[0].ne = {8, 0};
         },
         "tensor 't0': ne[1] is 0"},
        {"ne negative",
         [](raw_file &f) {
             f.tensors[0].ne = {8, ~0ull};
         },
         "tensor 't0': ne[1] is 18446744073709551615 (negative as int64)"},
        {"ne product overflows",
         [](raw_file &f) {
             f.tensors[0] = {"t0", 3, {1ull << 32, 1ull << 20, 1ull << 20}, 0, 0};
         },
         "tensor 't0': the number of elements overflows int64"},
        {"size overflows",
         [](raw_file &f) {
             f.tensors[0] = {"t0", 2, {1ull << 32, 1ull << 30}, 0, 0};
         },
         "tensor 't0': the data size overflows 64 bits"},
        {"ne[0] not a block multiple", [](raw_file &f) { f.tensors[1].ne = {48}; },
         "tensor 't1': the row length ne[0] = 48 is not a multiple of the Q4_0 block size 32"},
        {"unknown type id", [](raw_file &f) { f.tensors[1].type = 4; },
         "tensor 't1': unknown tensor type id 4"},
        {"unknown large type id", [](raw_file &f) { f.tensors[1].type = 0xFFFFFFFF; },
         "unknown tensor type id 4294967295"},
        {"offset not aligned", [](raw_file &f) { f.tensors[1].offset = 72; },
         "tensor 't1': the data offset 72 is not a multiple of the alignment 32"},
        {"tensor past the end", [](raw_file &f) { f.tensors[1].offset = 96; },
         "tensor 't1': data [320, 338) extends past the end of the file (306 bytes)"},
        {"tensor far past the end", [](raw_file &f) { f.tensors[1].offset = 1ull << 63; },
         "tensor 't1': data at offset 9223372036854775808"},
        {"overlapping tensors", [](raw_file &f) { f.tensors[1].offset = 32; },
         "tensors 't0' data [224, 288) and 't1' data [256, 274) overlap"},
    };
    for (const defect &d : defects) {
        raw_file f;
        d.apply(f);
        const std::string error = parse_error(f.bytes());
        EXPECT_NE(error.find(d.message), std::string::npos)
            << d.what << ": expected \"" << d.message << "\" in \"" << error << "\"";
    }
}

TEST(GgufMalformed, AlignmentsThatMisalignTheDataAreRefused) {
    // With general.alignment 1 tensor data may start at any byte, and the
    // kernels read F32, F16 and block scales in place: refused, whole.
    raw_file f;
    f.alignment = 1;
    f.kvs.push_back(raw_bytes().str("general.alignment").u32(T_UINT32).u32(1));
    f.tensors[1].offset = 65; // t1's Q4_0 scale at an odd address
    f.data_bytes = 83;
    EXPECT_EQ(parse_error(f.bytes()),
              "bad.gguf: key 'general.alignment': the alignment 1 is not from 4 to 2^31: tensor "
              "data is read in place, and F32 and I32 elements need 4-byte alignment");
    gguf_writer w;
    w.set_u32("general.alignment", 2);
    expect_write_fails(w, "key 'general.alignment': the alignment 2 is not from 4 to 2^31");
    raw_file four;
    four.alignment = 4;
    four.kvs.push_back(raw_bytes().str("general.alignment").u32(T_UINT32).u32(4));
    EXPECT_EQ(parse_error(four.bytes()), "(no error)");
}

// Bytes on the heap now (glibc's count; 0 under AddressSanitizer, which
// keeps its own).
size_t heap_bytes() { return mallinfo2().uordblks; }

TEST(GgufReader, ArraysCostAboutTheirSizeInTheFile) {
    // A variant per element made a 50 MB array of bytes cost 2 GB before
    // anything was checked: numbers now stay in the mapping, and a string
    // costs one offset (as much as its length field in the file).
    const uint64_t n = uint64_t(1) << 23;
    raw_bytes r;
    r.u32(0x46554747).u32(3).u64(0).u64(2);
    r.str("bytes").u32(T_ARRAY).u32(T_UINT8).u64(n);
    r.b.resize(r.b.size() + n, 7);
    r.str("strings").u32(T_ARRAY).u32(T_STRING).u64(n / 8);
    r.b.resize(r.b.size() + n, 0); // n / 8 empty strings: their length fields
    test::temp_dir dir;
    test::write_bytes(dir.file("big.gguf"), r.b);
    r = raw_bytes();

    const size_t before = heap_bytes();
    auto f = open_ok(dir.file("big.gguf"));
    ASSERT_NE(f, nullptr);
    EXPECT_LT(heap_bytes() - before, 2 * n) << "the file is " << f->file_size() << " bytes";
    std::string error;
    const gguf_array *bytes = gguf_get_array(*f, "bytes", gguf_type::UINT8, &error);
    ASSERT_NE(bytes, nullptr) << error;
    EXPECT_EQ(bytes->values.size(), n);
    EXPECT_EQ(bytes->values[n - 1], gguf_scalar(uint64_t(7)));
    const gguf_array *strings = gguf_get_array(*f, "strings", gguf_type::STRING, &error);
    ASSERT_NE(strings, nullptr) << error;
    EXPECT_EQ(strings->values.size(), n / 8);
    EXPECT_EQ(strings->values[n / 8 - 1], gguf_scalar(std::string()));
}

TEST(GgufMalformed, EveryTruncationOfASmallFileIsAnError) {
    const std::vector<uint8_t> whole = raw_file().bytes();
    for (size_t n = 0; n < whole.size(); n++) {
        const std::string error =
            parse_error(std::vector<uint8_t>(whole.begin(), whole.begin() + long(n)));
        EXPECT_TRUE(error.find("past the end of the file") != std::string::npos ||
                    error.find("more than the") != std::string::npos)
            << "cut at " << n << ": " << error;
    }
}

TEST(GgufMalformed, TruncationsOfTheRealFileAreErrors) {
    // Every cut in the header region (metadata, the 512-token vocabulary,
    // tensor infos), then a sample through the data.
    const std::vector<uint8_t> whole = test::read_bytes(STORIES);
    ASSERT_GT(whole.size(), 14176u);
    std::vector<size_t> cuts;
    for (size_t n = 0; n <= 14176; n++) cuts.push_back(n);
    for (size_t n = 14177; n < whole.size(); n += 997) cuts.push_back(n);
    cuts.push_back(whole.size() - 1);
    for (size_t n : cuts) {
        const std::string error =
            parse_error(std::vector<uint8_t>(whole.begin(), whole.begin() + long(n)));
        ASSERT_NE(error, "(no error)") << "cut at " << n;
    }
}

TEST(GgufMalformed, CorruptFilesOnDiskGiveErrorsToo) {
    // The mapped path, not only from_bytes.
    test::temp_dir dir;
    raw_file f;
    f.version = 2;
    test::write_bytes(dir.file("v2.gguf"), f.bytes());
    std::string error;
    EXPECT_EQ(gguf_file::open(dir.file("v2.gguf"), &error), nullptr);
    EXPECT_NE(error.find("v2.gguf: header: GGUF version 2 is not supported"), std::string::npos)
        << error;
    std::vector<uint8_t> cut = raw_file().bytes();
    cut.resize(cut.size() - 1);
    test::write_bytes(dir.file("cut.gguf"), cut);
    EXPECT_EQ(gguf_file::open(dir.file("cut.gguf"), &error), nullptr);
    EXPECT_NE(error.find("extends past the end of the file"), std::string::npos) << error;
}

} // namespace
