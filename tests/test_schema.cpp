// The llama schema (llama/src/schema.h): hyperparameters written are read
// back as they were, defaults fill the optional keys, and the names are
// llama.cpp's.
#include "file_util.h"
#include "schema.h"

#include <gtest/gtest.h>

using namespace llama;

namespace {

const std::string BUNDLED = std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf";

std::unique_ptr<gguf_file> written(const gguf_writer &w, const test::temp_dir &dir) {
    std::string error;
    const std::string path = dir.file("m.gguf");
    EXPECT_TRUE(w.write(path, &error)) << error;
    std::unique_ptr<gguf_file> f = gguf_file::open(path, &error);
    EXPECT_TRUE(f) << error;
    return f;
}

TEST(Schema, HparamsReadBackAsWritten) {
    const hparams hp{0, 256, 64, 5, 172, 8, 4, 6, 1e-6f, 500000.0f};
    gguf_writer w;
    schema::write_hparams(hp, "tiny", 7, &w);
    test::temp_dir dir;
    const std::unique_ptr<gguf_file> f = written(w, dir);
    ASSERT_TRUE(f);
    hparams back{};
    std::string error;
    ASSERT_TRUE(schema::read_hparams(*f, &back, &error)) << error;
    EXPECT_EQ(back.n_ctx_train, 256);
    EXPECT_EQ(back.n_embd, 64);
    EXPECT_EQ(back.n_layer, 5);
    EXPECT_EQ(back.n_ff, 172);
    EXPECT_EQ(back.n_head, 8);
    EXPECT_EQ(back.n_head_kv, 4);
    EXPECT_EQ(back.n_rot, 6);
    EXPECT_EQ(back.rms_eps, 1e-6f);
    EXPECT_EQ(back.rope_freq_base, 500000.0f);
    EXPECT_EQ(gguf_get_string(*f, schema::keys::NAME, &error), "tiny");
    EXPECT_EQ(gguf_get_uint(*f, schema::keys::FILE_TYPE, &error), 7u);
    EXPECT_EQ(f->metadata()[3].key, "llama.context_length"); // after the general.* keys
}

TEST(Schema, OptionalKeysTakeLlamaCppDefaults) {
    gguf_writer w;
    w.set_string(schema::keys::ARCHITECTURE, "llama");
    for (const char *key : {"llama.context_length", "llama.embedding_length", "llama.block_count",
                            "llama.feed_forward_length", "llama.attention.head_count"})
        w.set_u32(key, 16);
    w.set_u32("llama.embedding_length", 32);
    w.set_f32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    test::temp_dir dir;
    const std::unique_ptr<gguf_file> f = written(w, dir);
    ASSERT_TRUE(f);
    hparams hp{};
    std::string error;
    ASSERT_TRUE(schema::read_hparams(*f, &hp, &error)) << error;
    EXPECT_EQ(hp.n_head_kv, 16);
    EXPECT_EQ(hp.n_rot, 2); // the head size: 32 / 16
    EXPECT_EQ(hp.rope_freq_base, 10000.0f);
}

TEST(Schema, RefusesAnotherArchitecture) {
    gguf_writer w;
    w.set_string(schema::keys::ARCHITECTURE, "gemma");
    test::temp_dir dir;
    const std::unique_ptr<gguf_file> f = written(w, dir);
    ASSERT_TRUE(f);
    hparams hp{};
    std::string error;
    EXPECT_FALSE(schema::read_hparams(*f, &hp, &error));
    EXPECT_EQ(error, dir.file("m.gguf") + ": architecture 'gemma' is not supported (only 'llama')");
}

TEST(Schema, NamesAsLlamaCppSpellsThem) {
    EXPECT_EQ(schema::arch_key(schema::ARCH, schema::keys::HEAD_COUNT_KV),
              "llama.attention.head_count_kv");
    EXPECT_EQ(schema::weight(schema::layer_tensor(3, schema::tensors::FFN_DOWN)),
              "blk.3.ffn_down.weight");
    EXPECT_EQ(schema::layer_of("blk.12.attn_q.weight"), 12);
    EXPECT_EQ(schema::layer_of("token_embd.weight"), -1);
    // every tensor of a real model is one the schema names
    std::string error;
    const std::unique_ptr<gguf_file> f = gguf_file::open(BUNDLED, &error);
    ASSERT_TRUE(f) << error;
    EXPECT_TRUE(f->find_tensor(schema::weight(schema::tensors::TOKEN_EMBD)));
    EXPECT_TRUE(f->find_tensor(schema::weight(schema::tensors::OUTPUT_NORM)));
    EXPECT_TRUE(f->find_tensor(schema::weight(schema::layer_tensor(4, schema::tensors::ATTN_V))));
}

} // namespace
