// gguf.h, the C API over the GGUF reader and writer: a file written with a
// builder reads back key by key and tensor by tensor, and every failure
// returns with gguf_last_error naming the problem.
#include "file_util.h"
#include "gguf.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace {

const std::string STORIES = test::data("gguf/stories260K-f32.gguf");

// Fills a tensor's data with 0, 1, 2, ... as floats.
void count_up(void *dst, void *user) {
    const int n = *static_cast<int *>(user);
    for (int i = 0; i < n; i++) static_cast<float *>(dst)[i] = float(i);
}

TEST(GgufCApi, WritesAndReadsBack) {
    const test::temp_dir dir;
    const std::string path = dir.file("model.gguf");
    gguf_builder *b = gguf_builder_new();
    ASSERT_NE(b, nullptr);
    const char *const words[] = {"a", "bc"};
    const float floats[] = {0.5f, -2.0f};
    const int32_t ints[] = {7, -7};
    EXPECT_TRUE(gguf_set_string(b, "general.name", "tiny"));
    EXPECT_TRUE(gguf_set_u32(b, "n", 3));
    EXPECT_TRUE(gguf_set_u32(b, "n", 4)); // replaced in place
    EXPECT_TRUE(gguf_set_i32(b, "i", -5));
    EXPECT_TRUE(gguf_set_f32(b, "f", 0.25f));
    EXPECT_TRUE(gguf_set_bool(b, "yes", true));
    EXPECT_TRUE(gguf_set_strings(b, "words", words, 2));
    EXPECT_TRUE(gguf_set_f32s(b, "floats", floats, 2));
    EXPECT_TRUE(gguf_set_i32s(b, "ints", ints, 2));
    const int64_t ne[2] = {4, 2};
    const float eight[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_TRUE(gguf_add_tensor(b, "copied", GGML_TYPE_F32, 2, ne, eight));
    int n = 4;
    EXPECT_TRUE(gguf_add_tensor_fill(b, "filled", GGML_TYPE_F32, 1, ne, count_up, &n));
    ASSERT_TRUE(gguf_write(b, path.c_str())) << gguf_last_error();
    gguf_builder_free(b);

    gguf_context *f = gguf_open(path.c_str());
    ASSERT_NE(f, nullptr) << gguf_last_error();
    EXPECT_EQ(gguf_version(f), 3u);
    EXPECT_EQ(gguf_alignment(f), 32u);
    ASSERT_EQ(gguf_n_kv(f), 8);
    EXPECT_STREQ(gguf_key(f, 1), "n");
    EXPECT_EQ(gguf_kv_type(f, 1), GGUF_TYPE_UINT32);
    EXPECT_EQ(gguf_find_key(f, "yes"), 4);
    EXPECT_EQ(gguf_find_key(f, "no"), -1);

    uint64_t u = 0;
    double d = 0;
    bool yes = false;
    const char *s = nullptr;
    uint64_t len = 0;
    EXPECT_EQ(gguf_get_uint(f, "n", &u), 1);
    EXPECT_EQ(u, 4u);
    EXPECT_EQ(gguf_get_uint(f, "absent", &u), 0);
    EXPECT_EQ(gguf_get_float(f, "f", &d), 1);
    EXPECT_EQ(d, 0.25);
    EXPECT_EQ(gguf_get_bool(f, "yes", &yes), 1);
    EXPECT_TRUE(yes);
    EXPECT_EQ(gguf_get_string(f, "general.name", &s, &len), 1);
    EXPECT_EQ(std::string(s, len), "tiny");

    EXPECT_EQ(gguf_get_uint(f, "i", &u), -1); // negative
    EXPECT_EQ(std::string(gguf_last_error()), path + ": key 'i' is -5, expected a value >= 0");
    EXPECT_EQ(gguf_get_string(f, "n", &s, &len), -1);
    EXPECT_EQ(std::string(gguf_last_error()), path + ": key 'n' has type UINT32, expected STRING");

    uint64_t count = 0;
    gguf_element e;
    EXPECT_EQ(gguf_get_array(f, "words", GGUF_TYPE_STRING, &count), 1);
    EXPECT_EQ(count, 2u);
    ASSERT_TRUE(gguf_get_element(f, "words", 1, &e));
    EXPECT_EQ(e.type, GGUF_TYPE_STRING);
    EXPECT_EQ(std::string(e.s, e.s_len), "bc");
    ASSERT_TRUE(gguf_get_element(f, "floats", 1, &e));
    EXPECT_EQ(e.f, -2.0);
    ASSERT_TRUE(gguf_get_element(f, "ints", 1, &e));
    EXPECT_EQ(e.i, -7);
    EXPECT_EQ(gguf_get_array(f, "ints", GGUF_TYPE_FLOAT32, &count), -1);
    EXPECT_FALSE(gguf_get_element(f, "ints", 2, &e));
    EXPECT_EQ(std::string(gguf_last_error()), path + ": key 'ints' has no element 2");
    EXPECT_FALSE(gguf_get_element(f, "n", 0, &e));

    ASSERT_EQ(gguf_n_tensors(f), 2);
    gguf_tensor_info t;
    ASSERT_TRUE(gguf_get_tensor(f, gguf_find_tensor(f, "copied"), &t));
    EXPECT_STREQ(t.name, "copied");
    EXPECT_EQ(t.type, GGML_TYPE_F32);
    EXPECT_EQ(t.n_dims, 2);
    EXPECT_EQ(t.ne[1], 2);
    EXPECT_EQ(t.size, sizeof eight);
    EXPECT_EQ(std::memcmp(t.data, eight, sizeof eight), 0);
    ASSERT_TRUE(gguf_get_tensor(f, gguf_find_tensor(f, "filled"), &t));
    EXPECT_EQ(t.offset, 32u); // after "copied", aligned
    EXPECT_EQ(static_cast<const float *>(t.data)[3], 3.0f);
    EXPECT_EQ(gguf_find_tensor(f, "absent"), -1);
    EXPECT_FALSE(gguf_get_tensor(f, 2, &t));
    gguf_close(f);
}

TEST(GgufCApi, ReadsLlamaCppFile) {
    gguf_context *f = gguf_open(STORIES.c_str());
    ASSERT_NE(f, nullptr) << gguf_last_error();
    uint64_t n_layer = 0;
    EXPECT_EQ(gguf_get_uint(f, "llama.block_count", &n_layer), 1);
    EXPECT_EQ(n_layer, 5u);
    EXPECT_EQ(gguf_n_tensors(f), 48);
    EXPECT_EQ(gguf_data_offset(f), 14176u);
    EXPECT_STREQ(gguf_type_name(gguf_kv_type(f, 0)), "ARRAY");
    gguf_close(f);
}

TEST(GgufCApi, FailuresSayWhy) {
    EXPECT_EQ(gguf_open("/nonexistent/x.gguf"), nullptr);
    EXPECT_EQ(std::string(gguf_last_error()),
              "/nonexistent/x.gguf: cannot open: No such file or directory");
    EXPECT_EQ(gguf_open(nullptr), nullptr);
    EXPECT_STREQ(gguf_last_error(), "gguf_open: no path");

    const test::temp_dir dir;
    const std::string path = dir.file("bad.gguf");
    gguf_builder *b = gguf_builder_new();
    const int64_t ne[1] = {5};
    const float five[5] = {};
    ASSERT_TRUE(gguf_add_tensor(b, "q", GGML_TYPE_Q8_0, 1, ne, five));
    EXPECT_FALSE(gguf_write(b, path.c_str()));
    EXPECT_EQ(std::string(gguf_last_error()),
              path + ": cannot write: tensor 'q': the row length ne[0] = 5 is not a multiple of "
                     "the Q8_0 block size 32");
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    gguf_builder_free(b);
}

} // namespace
