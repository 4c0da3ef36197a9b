// convert for llama2.c checkpoints: the result equals llama.cpp's own
// conversion of stories260K, the bundled model equals what the tool writes,
// and broken checkpoints and tokenizers are refused with clear messages.
#include "checkpoints/llama2c_checkpoint.h"
#include "file_util.h"
#include "gguf_file.h"
#include "gguf_writer.h"
#include "llama.h"
#include "output_guard.h"
#include "vocab.h"

#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <sys/wait.h>
#include <unistd.h>

using namespace llama;

namespace {

const std::string MODEL = test::data("llama2c/stories260K.bin");
const std::string TOK512 = test::data("llama2c/tok512.bin");
const std::string LLAMA2_TOKENIZER = test::data("llama2c/tokenizer.bin");
const std::string LLAMACPP_STORIES = test::data("gguf/stories260K-f32.gguf");
const std::string BUNDLED = std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf";

std::unique_ptr<gguf_file> open_ok(const std::string &path) {
    std::string error;
    std::unique_ptr<gguf_file> f = gguf_file::open(path, &error);
    EXPECT_NE(f, nullptr) << error;
    return f;
}

// Converts as the tool does and opens the result.
std::unique_ptr<gguf_file> convert_llama2c(const std::string &model, const std::string &tokenizer,
                                           convert::out_type type, const std::string &out) {
    std::string error;
    std::unique_ptr<convert::llama2c_checkpoint> ckpt =
        convert::llama2c_checkpoint::open(model, &error);
    EXPECT_NE(ckpt, nullptr) << error;
    if (!ckpt) return nullptr;
    vocab v;
    EXPECT_TRUE(convert::read_llama2c_tokenizer(tokenizer, ckpt->config().vocab_size, &v, &error))
        << error;
    gguf_writer w;
    convert::add_llama2c_model(*ckpt, v, "stories260K", type, &w);
    EXPECT_TRUE(w.write(out, &error)) << error;
    return open_ok(out);
}

bool same_bytes(const gguf_tensor &a, const gguf_tensor &b) {
    return a.size == b.size && std::memcmp(a.data, b.data, a.size) == 0;
}

// Scores compared bit for bit (llama.cpp keeps -0.0).
std::vector<uint32_t> score_bits(const gguf_array &scores) {
    std::vector<uint32_t> bits;
    for (const gguf_scalar &s : scores.values) {
        const float f = float(std::get<double>(s));
        uint32_t b;
        std::memcpy(&b, &f, 4);
        bits.push_back(b);
    }
    return bits;
}

// stories260K converted by us, next to llama.cpp's conversion.
class ConvertStories : public ::testing::Test {
  protected:
    void convert_as(convert::out_type type) {
        ours = convert_llama2c(MODEL, TOK512, type, dir.file("stories.gguf"));
        theirs = open_ok(LLAMACPP_STORIES);
        ASSERT_TRUE(ours && theirs);
    }
    test::temp_dir dir;
    std::unique_ptr<gguf_file> ours, theirs;
};

TEST_F(ConvertStories, TensorsEqualLlamaCppConversion) {
    ASSERT_NO_FATAL_FAILURE(convert_as(convert::out_type::F32));
    // llama.cpp stores the shared classifier again as output.weight; we
    // leave it out, as a tied embedding.
    EXPECT_EQ(ours->tensors().size() + 1, theirs->tensors().size());
    EXPECT_EQ(ours->find_tensor("output.weight"), nullptr);
    for (const gguf_tensor &t : theirs->tensors()) {
        const bool tied = t.name == "output.weight";
        const gguf_tensor *mine = ours->find_tensor(tied ? "token_embd.weight" : t.name);
        ASSERT_NE(mine, nullptr) << t.name;
        EXPECT_EQ(mine->type, GGML_TYPE_F32) << t.name;
        EXPECT_EQ(mine->n_dims, t.n_dims) << t.name;
        for (int d = 0; d < GGML_MAX_DIMS; d++) EXPECT_EQ(mine->ne[d], t.ne[d]) << t.name;
        EXPECT_TRUE(same_bytes(*mine, t)) << t.name;
    }
}

TEST_F(ConvertStories, MetadataMatchesLlamaCppKeys) {
    ASSERT_NO_FATAL_FAILURE(convert_as(convert::out_type::F32));
    std::string e;
    EXPECT_EQ(gguf_get_string(*ours, "general.architecture", &e), "llama");
    EXPECT_EQ(gguf_get_string(*ours, "general.name", &e), "stories260K");
    EXPECT_EQ(gguf_get_uint(*ours, "general.file_type", &e), 0u);
    EXPECT_EQ(ours->find("general.alignment"), nullptr);
    EXPECT_EQ(ours->alignment(), 32u);
    EXPECT_EQ(gguf_get_uint(*ours, "llama.context_length", &e), 512u); // seq_len
    for (const char *key :
         {"llama.embedding_length", "llama.block_count", "llama.feed_forward_length",
          "llama.attention.head_count", "llama.attention.head_count_kv",
          "llama.rope.dimension_count", "tokenizer.ggml.bos_token_id",
          "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id"})
        EXPECT_EQ(gguf_get_uint(*ours, key, &e), gguf_get_uint(*theirs, key, &e)) << key;
    EXPECT_EQ(gguf_get_float(*ours, "llama.attention.layer_norm_rms_epsilon", &e),
              gguf_get_float(*theirs, "llama.attention.layer_norm_rms_epsilon", &e));
    EXPECT_EQ(gguf_get_float(*ours, "llama.rope.freq_base", &e), 10000.0);
    EXPECT_EQ(gguf_get_string(*ours, "tokenizer.ggml.model", &e), "llama");
    EXPECT_EQ(*ours->find("tokenizer.ggml.tokens"), *theirs->find("tokenizer.ggml.tokens"));
    EXPECT_EQ(*ours->find("tokenizer.ggml.token_type"), *theirs->find("tokenizer.ggml.token_type"));
    const gguf_array *s1 = gguf_get_array(*ours, "tokenizer.ggml.scores", gguf_type::FLOAT32, &e);
    const gguf_array *s2 = gguf_get_array(*theirs, "tokenizer.ggml.scores", gguf_type::FLOAT32, &e);
    ASSERT_TRUE(s1 && s2);
    EXPECT_EQ(score_bits(*s1), score_bits(*s2));
    EXPECT_EQ(e, "");
    vocab v;
    EXPECT_TRUE(load_vocab(*ours, &v, &e)) << e;
}

TEST_F(ConvertStories, F16StoresMatricesAsHalfAndNormsAsF32) {
    ASSERT_NO_FATAL_FAILURE(convert_as(convert::out_type::F16));
    std::string e;
    EXPECT_EQ(gguf_get_uint(*ours, "general.file_type", &e), 1u);
    for (const gguf_tensor &t : ours->tensors()) {
        const gguf_tensor *f32 = theirs->find_tensor(t.name);
        ASSERT_NE(f32, nullptr) << t.name;
        if (t.n_dims == 1) {
            EXPECT_EQ(t.type, GGML_TYPE_F32) << t.name;
            EXPECT_TRUE(same_bytes(t, *f32)) << t.name;
            continue;
        }
        ASSERT_EQ(t.type, GGML_TYPE_F16) << t.name;
        const int64_t n = t.ne[0] * t.ne[1];
        ASSERT_EQ(t.size, size_t(n) * 2) << t.name;
        const auto *h = static_cast<const ggml_fp16_t *>(t.data);
        const auto *x = static_cast<const float *>(f32->data);
        for (int64_t i = 0; i < n; i++)
            ASSERT_EQ(h[i], ggml_fp32_to_fp16(x[i])) << t.name << " element " << i;
    }
}

TEST(ConvertLlama2c, Llama2TokenizerEqualsLlamaCppVocabulary) {
    // tokenizer.bin is the Llama 2 vocabulary llama.cpp ships as GGUF.
    std::string error;
    vocab ours;
    ASSERT_TRUE(convert::read_llama2c_tokenizer(LLAMA2_TOKENIZER, 32000, &ours, &error)) << error;
    auto f = open_ok(test::data("gguf/ggml-vocab-llama-spm.gguf"));
    ASSERT_NE(f, nullptr);
    vocab theirs;
    ASSERT_TRUE(load_vocab(*f, &theirs, &error)) << error;
    EXPECT_EQ(ours.tokens, theirs.tokens);
    EXPECT_EQ(ours.types, theirs.types);
    ASSERT_EQ(ours.scores.size(), theirs.scores.size());
    EXPECT_EQ(std::memcmp(ours.scores.data(), theirs.scores.data(), ours.scores.size() * 4), 0);
    EXPECT_EQ(ours.bos_id, theirs.bos_id);
    EXPECT_EQ(ours.eos_id, theirs.eos_id);
    EXPECT_EQ(ours.unk_id, theirs.unk_id);
}

// ------------------------------------------------------------------ synthetic checkpoints

struct header {
    int32_t dim = 8, hidden_dim = 16, n_layers = 2, n_heads = 2, n_kv_heads = 1, vocab_size = 512,
            seq_len = 4;
};

// Floats of the arrays after the header, counted here independently of the
// converter (docs/formats.md section 7), with or without a classifier.
size_t float_count(const header &h) {
    const size_t dim = size_t(h.dim), hidden = size_t(h.hidden_dim), L = size_t(h.n_layers);
    const size_t head = dim / size_t(h.n_heads), kv_dim = size_t(h.n_kv_heads) * head;
    const size_t vocab = size_t(std::abs(h.vocab_size));
    size_t n = vocab * dim + L * dim + L * dim * dim + 2 * L * kv_dim * dim + L * dim * dim +
               L * dim + 3 * L * hidden * dim + dim + size_t(h.seq_len) * head;
    if (h.vocab_size < 0) n += vocab * dim;
    return n;
}

// A checkpoint whose float i is i, so every array can be found again.
std::vector<uint8_t> checkpoint_bytes(const header &h) {
    std::vector<uint8_t> bytes(sizeof(header) + float_count(h) * 4);
    std::memcpy(bytes.data(), &h, sizeof(header));
    for (size_t i = 0; i < float_count(h); i++) {
        const float v = float(i);
        std::memcpy(bytes.data() + sizeof(header) + i * 4, &v, 4);
    }
    return bytes;
}

// True if tensor t holds the floats first, first + 1, ...
bool holds_floats_from(const gguf_tensor *t, size_t first) {
    if (!t || t->type != GGML_TYPE_F32) return false;
    const auto *x = static_cast<const float *>(t->data);
    for (size_t i = 0; i < t->size / 4; i++)
        if (x[i] != float(first + i)) return false;
    return true;
}

TEST(ConvertLlama2c, SeparateClassifierBecomesOutputWeight) {
    header h;
    h.vocab_size = -512; // negative: the checkpoint ends with its own classifier
    test::temp_dir dir;
    test::write_bytes(dir.file("m.bin"), checkpoint_bytes(h));
    auto f = convert_llama2c(dir.file("m.bin"), TOK512, convert::out_type::F32, dir.file("m.gguf"));
    ASSERT_NE(f, nullptr);
    const size_t dim = 8, hidden = 16, kv_dim = 4, vocab = 512;
    EXPECT_TRUE(holds_floats_from(f->find_tensor("token_embd.weight"), 0));
    const size_t layers = vocab * dim;
    const size_t wq = layers + 2 * dim, wk = wq + 2 * dim * dim, wv = wk + 2 * kv_dim * dim;
    const size_t wo = wv + 2 * kv_dim * dim, rms_ffn = wo + 2 * dim * dim;
    const size_t w1 = rms_ffn + 2 * dim, w2 = w1 + 2 * hidden * dim, w3 = w2 + 2 * dim * hidden;
    const size_t rms_final = w3 + 2 * hidden * dim, wcls = rms_final + dim + 4 * (dim / 2);
    EXPECT_TRUE(holds_floats_from(f->find_tensor("blk.1.attn_norm.weight"), layers + dim));
    EXPECT_TRUE(holds_floats_from(f->find_tensor("blk.1.attn_k.weight"), wk + kv_dim * dim));
    EXPECT_TRUE(holds_floats_from(f->find_tensor("blk.1.attn_v.weight"), wv + kv_dim * dim));
    EXPECT_TRUE(holds_floats_from(f->find_tensor("blk.0.attn_output.weight"), wo));
    EXPECT_TRUE(holds_floats_from(f->find_tensor("blk.1.ffn_down.weight"), w2 + dim * hidden));
    EXPECT_TRUE(holds_floats_from(f->find_tensor("blk.1.ffn_up.weight"), w3 + hidden * dim));
    EXPECT_TRUE(holds_floats_from(f->find_tensor("output_norm.weight"), rms_final));
    const gguf_tensor *output = f->find_tensor("output.weight");
    ASSERT_NE(output, nullptr);
    EXPECT_EQ(output->ne[0], 8);
    EXPECT_EQ(output->ne[1], 512);
    EXPECT_TRUE(holds_floats_from(output, wcls));
    std::string e;
    EXPECT_EQ(gguf_get_uint(*f, "llama.rope.dimension_count", &e), 4u);
    EXPECT_EQ(gguf_get_uint(*f, "llama.attention.head_count_kv", &e), 1u);
}

std::string open_error(const std::vector<uint8_t> &bytes) {
    test::temp_dir dir;
    test::write_bytes(dir.file("bad.bin"), bytes);
    std::string error;
    EXPECT_EQ(convert::llama2c_checkpoint::open(dir.file("bad.bin"), &error), nullptr);
    EXPECT_NE(error.find("bad.bin: "), std::string::npos) << error;
    return error;
}

std::string header_error(const std::function<void(header &)> &edit) {
    header h;
    edit(h);
    std::vector<uint8_t> bytes(sizeof(header) + 4096);
    std::memcpy(bytes.data(), &h, sizeof(header));
    return open_error(bytes);
}

TEST(ConvertLlama2c, RejectsBadCheckpoints) {
    const std::vector<uint8_t> good = checkpoint_bytes(header());
    std::vector<uint8_t> cut = test::read_bytes(MODEL);
    cut.resize(cut.size() - 100);
    EXPECT_NE(open_error(cut).find("the file is 1056440 bytes, but a checkpoint with this header "
                                   "(dim 64, hidden_dim 172, n_layers 5, n_heads 8, n_kv_heads 4, "
                                   "vocab_size 512 (shared classifier), seq_len 512) is 1056540 "
                                   "bytes (truncated?)"),
              std::string::npos)
        << open_error(cut);
    std::vector<uint8_t> longer = good;
    longer.push_back(0);
    EXPECT_NE(open_error(longer).find("(trailing data?)"), std::string::npos);

    header separate;
    separate.vocab_size = -512;
    std::vector<uint8_t> wrong_sign = checkpoint_bytes(separate);
    std::memcpy(wrong_sign.data() + 20, &good[20], 4); // vocab_size +512, yet a classifier follows
    EXPECT_NE(open_error(wrong_sign)
                  .find("that size fits a separate classifier: should "
                        "vocab_size be negative?"),
              std::string::npos)
        << open_error(wrong_sign);

    EXPECT_NE(open_error({1, 2, 3}).find("the file is 3 bytes, shorter than the 28-byte header"),
              std::string::npos);
    EXPECT_NE(open_error({'2', '4', 'k', 'a', 1, 0, 0, 0}).find("magic \"ak42\""),
              std::string::npos);

    const std::vector<std::pair<std::function<void(header &)>, std::string>> cases = {
        {[](header &h) { h.n_heads = 0; }, "header: n_heads is 0; it must be positive"},
        {[](header &h) { h.dim = -64; }, "header: dim is -64"},
        {[](header &h) { h.seq_len = 0; }, "header: seq_len is 0"},
        {[](header &h) { h.vocab_size = 0; }, "header: vocab_size is 0"},
        {[](header &h) { h.n_kv_heads = 3; }, "n_kv_heads 3 does not divide n_heads 2"},
        {[](header &h) { h.n_kv_heads = 4; }, "n_kv_heads 4 does not divide n_heads 2"},
        {[](header &h) { h.n_heads = 3; }, "dim 8 is not a multiple of n_heads 3"},
        {[](header &h) {
             h.n_heads = 8;
             h.n_kv_heads = 8;
         },
         "the head size 1 is odd"},
    };
    for (const auto &[edit, message] : cases) {
        const std::string error = header_error(edit);
        EXPECT_NE(error.find(message), std::string::npos) << message << " in " << error;
    }
    header huge;
    huge.dim = huge.hidden_dim = huge.n_layers = huge.vocab_size = huge.seq_len = 1 << 30;
    huge.n_heads = huge.n_kv_heads = 1;
    EXPECT_NE(header_error([&](header &h) { h = huge; }).find("the sizes are impossibly large"),
              std::string::npos);
}

TEST(ConvertLlama2c, RejectsMismatchedTokenizers) {
    std::string error;
    vocab v;
    EXPECT_FALSE(convert::read_llama2c_tokenizer(LLAMA2_TOKENIZER, 512, &v, &error));
    EXPECT_NE(error.find("tokenizer.bin: the file holds more than the model's 512 tokens"),
              std::string::npos)
        << error;
    EXPECT_FALSE(convert::read_llama2c_tokenizer(TOK512, 32000, &v, &error));
    EXPECT_NE(error.find("tok512.bin: the file ends after 512 of the model's 32000 tokens"),
              std::string::npos)
        << error;

    test::temp_dir dir;
    std::vector<uint8_t> bytes = test::read_bytes(TOK512);
    bytes.resize(bytes.size() - 2);
    test::write_bytes(dir.file("cut.bin"), bytes);
    EXPECT_FALSE(convert::read_llama2c_tokenizer(dir.file("cut.bin"), 512, &v, &error));
    EXPECT_NE(error.find("token 511 (3 bytes) runs past the end of the file"), std::string::npos)
        << error;

    bytes = test::read_bytes(TOK512);
    bytes[4 + 8 + 5 + 8 + 2] = 'x'; // token 1 "\n<s>\n" -> "\n<x>\n"
    test::write_bytes(dir.file("bos.bin"), bytes);
    EXPECT_FALSE(convert::read_llama2c_tokenizer(dir.file("bos.bin"), 512, &v, &error));
    EXPECT_NE(error.find("token 1 must be <s>, as run.c assumes"), std::string::npos) << error;
}

// ------------------------------------------------------------------ output safety

TEST(LoadModel, ABlockCountTheFileCannotHoldIsRefused) {
    // before anything is sized by it: 2e9 layers would be hundreds of GB
    std::string error;
    const std::unique_ptr<llama::gguf_file> f = llama::gguf_file::open(BUNDLED, &error);
    ASSERT_TRUE(f) << error;
    llama::gguf_writer w;
    for (const llama::gguf_kv &kv : f->metadata()) w.set(kv.key, kv.value);
    w.set_u32("llama.block_count", 2000000000u);
    for (const llama::gguf_tensor &t : f->tensors())
        w.add_tensor(t.name, t.type, t.n_dims, t.ne, t.data);
    test::temp_dir dir;
    ASSERT_TRUE(w.write(dir.file("bad.gguf"), &error)) << error;
    EXPECT_EQ(llama_model_load(dir.file("bad.gguf").c_str()), nullptr);
    EXPECT_NE(std::string(llama_last_error())
                  .find("llama.block_count is 2000000000, but the file has only"),
              std::string::npos)
        << llama_last_error();
}

// Runs `body` in a child process that then gets SIGINT; returns how it ended.
int status_after_interrupt(const std::function<void()> &body) {
    const pid_t child = fork();
    if (child == 0) {
        body();
        raise(SIGINT);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return status;
}

void create_file(const std::string &path) { std::fclose(std::fopen(path.c_str(), "w")); }

TEST(OutputGuard, InterruptRemovesTheTemporaryFile) {
    test::temp_dir dir;
    const std::string tmp = dir.file("out.gguf.tmp");
    const int status = status_after_interrupt([&] {
        create_file(tmp);
        static convert::remove_on_interrupt guard(tmp); // alive when the signal comes
    });
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << "dies of the signal";
    EXPECT_FALSE(std::filesystem::exists(tmp));
}

TEST(OutputGuard, IgnoredSignalStaysIgnored) {
    // as under nohup, or SIGINT for a background job: the run goes on
    test::temp_dir dir;
    const std::string tmp = dir.file("out.gguf.tmp");
    const int status = status_after_interrupt([&] {
        create_file(tmp);
        signal(SIGINT, SIG_IGN);
        static convert::remove_on_interrupt guard(tmp);
    });
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "not killed";
    EXPECT_TRUE(std::filesystem::exists(tmp));
}

TEST(OutputGuard, ClashesWithTheOutputOrItsTemporaryFileAreNamed) {
    test::temp_dir dir;
    const std::string in = dir.file("model.bin"), ckpt = dir.file("ckpt");
    create_file(in);
    std::filesystem::create_directory(ckpt);
    create_file(ckpt + "/model.safetensors");
    EXPECT_EQ(convert::output_clash(dir.file("out.gguf"), {in, ckpt}), "");
    EXPECT_NE(convert::output_clash(in, {"", in}).find("the output " + in + " is the input"),
              std::string::npos);
    const std::string tmp = llama::gguf_writer::temp_path(dir.file("x.gguf")); // an input named so
    create_file(tmp);
    EXPECT_NE(convert::output_clash(dir.file("x.gguf"), {tmp}).find("temporary file " + tmp),
              std::string::npos);
    EXPECT_NE(convert::output_clash(ckpt + "/model.safetensors", {ckpt})
                  .find("is the input " + ckpt + "/model.safetensors"),
              std::string::npos);
}

TEST(OutputGuard, FinishedGuardRemovesNothing) {
    test::temp_dir dir;
    const std::string done = dir.file("out.gguf");
    const int status = status_after_interrupt([&] {
        create_file(done);
        const convert::remove_on_interrupt guard(done);
    });
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
    EXPECT_TRUE(std::filesystem::exists(done));
}

// ------------------------------------------------------------------ the tool

#ifdef LLAMAZ_CONVERT_EXE

// Runs convert with the arguments; returns its exit status and output.
int run_convert(const std::string &args, std::string *output) {
    const test::run_result r = test::run_tool(LLAMAZ_CONVERT_EXE, args);
    *output = r.output;
    return r.status;
}

TEST(ConvertTool, BundledModelIsWhatConvertWrites) {
    // models/README.md's command, in a scratch folder.
    test::temp_dir dir;
    const std::string out = dir.file("stories260K.gguf");
    std::string output;
    ASSERT_EQ(run_convert("--llama2c " + MODEL + " --tokenizer " + TOK512 + " -o " + out, &output),
              0)
        << output;
    EXPECT_NE(output.find("wrote " + out + " (f32, "), std::string::npos) << output;
    EXPECT_EQ(test::read_bytes(out), test::read_bytes(BUNDLED))
        << "models/stories260K.gguf differs from what convert writes now: re-convert it with "
           "the command in models/README.md";
}

TEST(ConvertTool, HelpAndUsageErrors) {
    std::string output;
    EXPECT_EQ(run_convert("-h", &output), 0);
    for (const char *flag :
         {"--llama2c", "--hf DIR", "--tokenizer", "--outtype f32|f16", "-o, --output", "--name"})
        EXPECT_NE(output.find(flag), std::string::npos) << flag;
    EXPECT_EQ(run_convert("", &output), 1);
    EXPECT_NE(output.find("no source model"), std::string::npos) << output;
    EXPECT_EQ(run_convert("--llama2c " + MODEL + " -o x.gguf", &output), 1);
    EXPECT_NE(output.find("--llama2c needs --tokenizer"), std::string::npos) << output;
    EXPECT_EQ(run_convert("--llama2c " + MODEL + " --tokenizer " + TOK512 + " -o x --outtype q4",
                          &output),
              1);
    EXPECT_NE(output.find("--outtype must be f32 or f16, not 'q4'"), std::string::npos) << output;
    EXPECT_EQ(
        run_convert("--llama2c " + MODEL + " --tokenizer " + TOK512 + " -o " + TOK512, &output), 1);
    EXPECT_NE(output.find("is the input"), std::string::npos) << output;
    EXPECT_EQ(run_convert("--llama2c " + MODEL + " --hf dir -o x.gguf", &output), 1);
    EXPECT_NE(output.find("give one source, not both --llama2c and --hf"), std::string::npos)
        << output;
    EXPECT_EQ(run_convert("--hf " + test::data("gptq") + " --tokenizer " + TOK512 + " -o x.gguf",
                          &output),
              1);
    EXPECT_NE(output.find("--tokenizer is for --llama2c"), std::string::npos) << output;
    EXPECT_EQ(run_convert("--frobnicate", &output), 1);
    EXPECT_NE(output.find("unknown option '--frobnicate'"), std::string::npos) << output;
}

#endif

} // namespace
