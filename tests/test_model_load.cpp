// What llama_model_load and llama_context_new say when they refuse: whole
// messages, each naming the file once, for every layer a problem can come
// from (the reader, the metadata getters, the loader, the vocabulary); and
// the limits a context is held to (default size, memory).
#include "file_util.h"
#include "gguf_file.h"
#include "gguf_writer.h"
#include "llama.h"

#include <gtest/gtest.h>

#include <functional>
#include <regex>
#include <string>

using namespace llama;

namespace {

const std::string BUNDLED = std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf";

// The bundled model with its metadata changed by `edit`, written to `path`.
void write_edited(const std::string &path, const std::function<void(gguf_writer &)> &edit,
                  const std::string &skip_tensor = "") {
    std::string error;
    const std::unique_ptr<gguf_file> f = gguf_file::open(BUNDLED, &error);
    ASSERT_TRUE(f) << error;
    gguf_writer w;
    for (const gguf_kv &kv : f->metadata()) w.set(kv.key, kv.value);
    edit(w);
    for (const gguf_tensor &t : f->tensors())
        if (t.name != skip_tensor) w.add_tensor(t.name, t.type, t.n_dims, t.ne, t.data);
    ASSERT_TRUE(w.write(path, &error)) << error;
}

// llama_last_error() after loading `path` failed.
std::string load_error(const std::string &path) {
    llama_model *model = llama_model_load(path.c_str());
    EXPECT_EQ(model, nullptr) << path << " loaded";
    llama_model_free(model);
    return llama_last_error();
}

// The loader's message for the bundled model with its metadata edited.
std::string edited_error(const std::function<void(gguf_writer &)> &edit,
                         const std::string &skip_tensor = "") {
    test::temp_dir dir;
    const std::string path = dir.file("bad.gguf");
    write_edited(path, edit, skip_tensor);
    const std::string error = load_error(path);
    // the folder changes from run to run; what follows it is the message
    const std::string prefix = path + ": ";
    EXPECT_EQ(error.rfind(prefix, 0), 0u) << error;
    return error.rfind(prefix, 0) == 0 ? "bad.gguf: " + error.substr(prefix.size()) : error;
}

TEST(ModelLoadErrors, NameTheFileOnce) {
    EXPECT_EQ(edited_error([](gguf_writer &w) { w.set_string("llama.context_length", "512"); }),
              "bad.gguf: key 'llama.context_length' has type STRING, expected an integer");
    EXPECT_EQ(edited_error([](gguf_writer &w) { w.set_i32("llama.block_count", -5); }),
              "bad.gguf: key 'llama.block_count' is -5, expected a value >= 0");
    EXPECT_EQ(edited_error([](gguf_writer &w) { w.set_u32("llama.block_count", 0); }),
              "bad.gguf: key 'llama.block_count' = 0 is out of range");
    EXPECT_EQ(edited_error([](gguf_writer &w) {
                  w.set_string("llama.attention.layer_norm_rms_epsilon", "1e-5");
              }),
              "bad.gguf: key 'llama.attention.layer_norm_rms_epsilon' has type STRING, expected "
              "FLOAT32 or FLOAT64");
    EXPECT_EQ(edited_error([](gguf_writer &w) { w.set_u32("general.architecture", 1); }),
              "bad.gguf: key 'general.architecture' has type UINT32, expected STRING");
    EXPECT_EQ(edited_error([](gguf_writer &w) { w.set_string("general.architecture", "gpt2"); }),
              "bad.gguf: architecture 'gpt2' is not supported (only 'llama')");
    EXPECT_EQ(edited_error([](gguf_writer &w) { w.set_u32("llama.attention.head_count", 7); }),
              "bad.gguf: head_count 7 does not divide embedding_length 64");
    EXPECT_EQ(edited_error([](gguf_writer &w) { w.set_string("tokenizer.ggml.model", "bert"); }),
              "bad.gguf: tokenizer.ggml.model is 'bert'; only 'llama' (SentencePiece BPE) and "
              "'gpt2' (byte-level BPE) are supported");
    EXPECT_EQ(edited_error([](gguf_writer &w) { w.set_u32("tokenizer.ggml.tokens", 3); }),
              "bad.gguf: key 'tokenizer.ggml.tokens' has type UINT32, expected ARRAY of STRING");
    EXPECT_EQ(edited_error([](gguf_writer &w) { w.set_u32("tokenizer.ggml.bos_token_id", 600); }),
              "bad.gguf: tokenizer: the BOS token id 600 is not below the vocabulary size 512");
    EXPECT_EQ(edited_error([](gguf_writer &) {}, "blk.3.ffn_up.weight"),
              "bad.gguf: missing tensor 'blk.3.ffn_up.weight'");
}

TEST(ModelLoadErrors, RotationKeysGoTogetherWithABlockAndAFactorInRange) {
    EXPECT_EQ(edited_error([](gguf_writer &w) { w.set_u32("llamaz.rotation.seed", 3); }),
              "bad.gguf: keys 'llamaz.rotation.seed' and 'llamaz.rotation.block' go together");
    EXPECT_EQ(edited_error([](gguf_writer &w) {
                  w.set_u32("llamaz.rotation.seed", 3);
                  w.set_u32("llamaz.rotation.block", 70000);
              }),
              "bad.gguf: key 'llamaz.rotation.block' is 70000, not 1 to 65536");
    EXPECT_EQ(edited_error([](gguf_writer &w) {
                  w.set_string("llamaz.rotation.seed", "3");
                  w.set_u32("llamaz.rotation.block", 64);
              }),
              "bad.gguf: key 'llamaz.rotation.seed' has type STRING, expected an integer");
    EXPECT_EQ(edited_error([](gguf_writer &w) { w.set_u32("llamaz.rotation.factor", 12); }),
              "bad.gguf: keys 'llamaz.rotation.seed' and 'llamaz.rotation.block' go together");
    EXPECT_EQ(edited_error([](gguf_writer &w) {
                  w.set_u32("llamaz.rotation.seed", 3);
                  w.set_u32("llamaz.rotation.block", 64);
                  w.set_u32("llamaz.rotation.factor", 0);
              }),
              "bad.gguf: key 'llamaz.rotation.factor' is 0, not 1 to 65536");
}

TEST(ModelLoadErrors, FloatsAreCheckedAsTheFloatsTheyBecome) {
    // a FLOAT64 epsilon of 1e300 is inf as the float the model uses, and
    // 1e-300 is 0: both were accepted when checked as doubles
    const char *key = "llama.attention.layer_norm_rms_epsilon";
    EXPECT_EQ(edited_error([&](gguf_writer &w) {
                  w.set(key, {gguf_type::FLOAT64, 1e300});
              }),
              "bad.gguf: key 'llama.attention.layer_norm_rms_epsilon' = 1e+300 is not a positive "
              "finite float");
    EXPECT_EQ(edited_error([&](gguf_writer &w) {
                  w.set(key, {gguf_type::FLOAT64, 1e-300});
              }),
              "bad.gguf: key 'llama.attention.layer_norm_rms_epsilon' = 1e-300 is not a positive "
              "finite float");
    EXPECT_EQ(edited_error([&](gguf_writer &w) { w.set_f32("llama.rope.freq_base", -1.0f); }),
              "bad.gguf: key 'llama.rope.freq_base' = -1 is not a positive finite float");
    test::temp_dir dir;
    write_edited(dir.file("ok.gguf"), [&](gguf_writer &w) {
        w.set(key, {gguf_type::FLOAT64, 1e-5});
    });
    llama_model *model = llama_model_load(dir.file("ok.gguf").c_str());
    EXPECT_NE(model, nullptr) << llama_last_error();
    llama_model_free(model);
}

TEST(ModelLoadErrors, ReaderAndFileErrorsNameTheFileOnce) {
    test::temp_dir dir;
    const std::string missing = dir.file("missing.gguf");
    EXPECT_EQ(load_error(missing), missing + ": cannot open: No such file or directory");
    const std::string text = dir.file("text.gguf");
    test::write_bytes(text, {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!'});
    EXPECT_EQ(load_error(text),
              text + ": header: not a GGUF file: it starts with 'hell', not 'GGUF' (bad magic)");
}

// ------------------------------------------------------------------ contexts

llama_context_params params_with_ctx(uint32_t n_ctx) {
    llama_context_params p = llama_context_default_params();
    p.n_ctx = n_ctx;
    p.n_threads = 1;
    return p;
}

TEST(ContextLimits, DefaultSizeIsTheTrainingContextUpTo4096) {
    llama_model *model = llama_model_load(BUNDLED.c_str());
    ASSERT_NE(model, nullptr) << llama_last_error();
    llama_context *ctx = llama_context_new(model, params_with_ctx(0));
    ASSERT_NE(ctx, nullptr) << llama_last_error();
    EXPECT_EQ(llama_n_ctx(ctx), 512u); // the file's context_length
    llama_context_free(ctx);
    llama_model_free(model);

    // a file that claims 10 million positions gets 4096 unless asked for more
    test::temp_dir dir;
    write_edited(dir.file("long.gguf"),
                 [](gguf_writer &w) { w.set_u32("llama.context_length", 10000000); });
    model = llama_model_load(dir.file("long.gguf").c_str());
    ASSERT_NE(model, nullptr) << llama_last_error();
    EXPECT_EQ(llama_n_ctx_train(model), 10000000);
    ctx = llama_context_new(model, params_with_ctx(0));
    ASSERT_NE(ctx, nullptr) << llama_last_error();
    EXPECT_EQ(llama_n_ctx(ctx), 4096u);
    llama_context_free(ctx);
    ctx = llama_context_new(model, params_with_ctx(5000));
    ASSERT_NE(ctx, nullptr) << llama_last_error();
    EXPECT_EQ(llama_n_ctx(ctx), 5000u);
    llama_context_free(ctx);
    llama_model_free(model);
}

TEST(ContextLimits, AKvCacheLargerThanMemoryIsRefusedBeforeAllocating) {
    // 5 layers x (K + V) x 32 values x 2 bytes = 640 bytes a position (and
    // two tensor headers a layer): 2^31 - 1 positions are 1.25 TiB
    llama_model *model = llama_model_load(BUNDLED.c_str());
    ASSERT_NE(model, nullptr) << llama_last_error();
    EXPECT_EQ(llama_context_new(model, params_with_ctx(INT32_MAX)), nullptr);
    const uint64_t bytes =
        5 * (2 * (32 * uint64_t(INT32_MAX) * 2) + 2 * ggml_tensor_overhead() + 128);
    const std::string error = llama_last_error();
    EXPECT_TRUE(std::regex_match(error, std::regex("a KV cache of 2147483647 positions needs " +
                                                   std::to_string(bytes >> 20) +
                                                   " MiB, but only [0-9]+ MiB of memory are "
                                                   "available")))
        << error;
    llama_model_free(model);
}

} // namespace
