// convert --hf for float checkpoints: stories260K written as Hugging Face
// would store it (Q and K rows in the rotate-half order, F32, BF16, sharded)
// converts to exactly the tensors of the llama2.c conversion; the SentencePiece
// reader gives llama.cpp's Llama 2 vocabulary; a byte-level BPE tokenizer.json
// (SmolLM2's and GPT-2's vocabularies written as Hugging Face stores them)
// converts to the vocabulary llama.cpp's converter made of them.
#include "checkpoints/hf_checkpoint.h"
#include "checkpoints/llama2c_checkpoint.h"
#include "checkpoints/sentencepiece_model.h"
#include "hf_util.h"
#include "vocab_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

using namespace llama;

namespace {

const std::string STORIES = test::data("llama2c/stories260K.bin");
const std::string GPTQ_DIR = test::data("gptq/stories260K-gptq-4bit-g32-actorder");
const std::string BUNDLED = std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf";

TEST(SentencePieceModel, Llama2TokenizerEqualsLlamaCppVocabulary) {
    std::string error;
    convert::sentencepiece_model m;
    ASSERT_TRUE(
        convert::read_sentencepiece_model(test::data("tokenizer/tokenizer.model"), &m, &error))
        << error;
    auto f = test::open_gguf(test::data("gguf/ggml-vocab-llama-spm.gguf"));
    ASSERT_NE(f, nullptr);
    vocab theirs;
    ASSERT_TRUE(load_vocab(*f, &theirs, &error)) << error;
    EXPECT_EQ(m.vocab.tokens, theirs.tokens);
    EXPECT_EQ(m.vocab.types, theirs.types);
    ASSERT_EQ(m.vocab.scores.size(), theirs.scores.size());
    EXPECT_EQ(std::memcmp(m.vocab.scores.data(), theirs.scores.data(), m.vocab.scores.size() * 4),
              0);
    EXPECT_EQ(m.vocab.bos_id, theirs.bos_id);
    EXPECT_EQ(m.vocab.eos_id, theirs.eos_id);
    EXPECT_EQ(m.vocab.unk_id, theirs.unk_id);
    EXPECT_EQ(m.vocab.add_space_prefix, theirs.add_space_prefix);
    EXPECT_TRUE(m.byte_fallback);
    EXPECT_EQ(m.model_type, 2); // BPE
}

TEST(SentencePieceModel, Tok512ModelEqualsTheLlama2cTokenizer) {
    std::string error;
    convert::sentencepiece_model m;
    ASSERT_TRUE(convert::read_sentencepiece_model(GPTQ_DIR + "/tokenizer.model", &m, &error))
        << error;
    vocab l2c;
    ASSERT_TRUE(
        convert::read_llama2c_tokenizer(test::data("llama2c/tok512.bin"), 512, &l2c, &error))
        << error;
    EXPECT_EQ(m.vocab.tokens, l2c.tokens);
    EXPECT_EQ(m.vocab.types, l2c.types);
    EXPECT_EQ(m.vocab.scores, l2c.scores);
}

// ------------------------------------------------------------------ stories260K as HF

// Hugging Face row of GGUF (llama2.c) row r of a Q or K matrix with heads of
// hd rows: GGUF rotates the pair (2i, 2i+1), Hugging Face the pair (i, i+hd/2).
int64_t hf_row_of_gguf_row(int64_t r, int64_t hd) {
    const int64_t h = r / hd, within = r % hd, i = within / 2, j = within % 2;
    return h * hd + j * (hd / 2) + i;
}

// The rows of a [rows][cols] llama2.c matrix in Hugging Face's order.
std::vector<float> to_hf_rows(const float *src, int64_t rows, int64_t cols, int64_t hd) {
    std::vector<float> out(size_t(rows * cols));
    for (int64_t r = 0; r < rows; r++)
        std::memcpy(&out[size_t(hf_row_of_gguf_row(r, hd) * cols)], src + r * cols,
                    size_t(cols) * 4);
    return out;
}

struct hf_folder {
    std::vector<test::st_entry> tensors;
    std::string config;
    // Files of the tokenizer by name; stories260K's tokenizer.model when empty.
    std::vector<std::pair<std::string, std::string>> tokenizer_files;
};

// stories260K as transformers' LlamaForCausalLM saves it, in `dtype`
// (values rounded to it), with the classifier tied or saved separately.
hf_folder stories_as_hf(const std::string &dtype, bool tied) {
    std::string error;
    auto ckpt = convert::llama2c_checkpoint::open(STORIES, &error);
    EXPECT_NE(ckpt, nullptr) << error;
    const convert::llama2c_config &c = ckpt->config();
    const convert::llama2c_weights &w = ckpt->weights();
    const int64_t dim = c.dim, hidden = c.hidden_dim, kv = c.kv_dim(), hd = c.head_size();
    hf_folder f;
    auto add = [&](const std::string &name, std::vector<int64_t> shape, std::vector<float> v) {
        if (dtype == "BF16")
            for (float &x : v) x = test::bf16_round(x);
        f.tensors.push_back(test::float_entry(name, std::move(shape), v, dtype));
    };
    auto copy = [](const float *p, int64_t n) { return std::vector<float>(p, p + n); };
    add("model.embed_tokens.weight", {c.vocab_size, dim},
        copy(w.token_embedding, c.vocab_size * dim));
    for (int64_t l = 0; l < c.n_layers; l++) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        add(p + "input_layernorm.weight", {dim}, copy(w.rms_att + l * dim, dim));
        add(p + "self_attn.q_proj.weight", {dim, dim},
            to_hf_rows(w.wq + l * dim * dim, dim, dim, hd));
        add(p + "self_attn.k_proj.weight", {kv, dim}, to_hf_rows(w.wk + l * kv * dim, kv, dim, hd));
        add(p + "self_attn.v_proj.weight", {kv, dim}, copy(w.wv + l * kv * dim, kv * dim));
        add(p + "self_attn.o_proj.weight", {dim, dim}, copy(w.wo + l * dim * dim, dim * dim));
        add(p + "post_attention_layernorm.weight", {dim}, copy(w.rms_ffn + l * dim, dim));
        add(p + "mlp.gate_proj.weight", {hidden, dim}, copy(w.w1 + l * hidden * dim, hidden * dim));
        add(p + "mlp.up_proj.weight", {hidden, dim}, copy(w.w3 + l * hidden * dim, hidden * dim));
        add(p + "mlp.down_proj.weight", {dim, hidden}, copy(w.w2 + l * dim * hidden, dim * hidden));
    }
    add("model.norm.weight", {dim}, copy(w.rms_final, dim));
    if (!tied) add("lm_head.weight", {c.vocab_size, dim}, copy(w.wcls, c.vocab_size * dim));
    f.config = R"({"architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "hidden_act": "silu", "hidden_size": 64, "intermediate_size": 172,
        "num_hidden_layers": 5, "num_attention_heads": 8, "num_key_value_heads": 4,
        "vocab_size": 512, "max_position_embeddings": 512, "rms_norm_eps": 1e-05,
        "rope_theta": 10000.0, "rope_scaling": null, "bos_token_id": 1, "eos_token_id": 2,
        "torch_dtype": "float32", "tie_word_embeddings": )" +
               std::string(tied ? "true" : "false") + "}";
    return f;
}

// Writes the folder: config.json, the tokenizer, and the tensors in one
// file or in n_shards files with an index.
void write_folder(const hf_folder &f, const std::string &dir, int n_shards = 1) {
    std::filesystem::create_directories(dir);
    const std::vector<uint8_t> config(f.config.begin(), f.config.end());
    test::write_bytes(dir + "/config.json", config);
    if (f.tokenizer_files.empty())
        std::filesystem::copy_file(GPTQ_DIR + "/tokenizer.model", dir + "/tokenizer.model");
    for (const auto &[name, text] : f.tokenizer_files)
        test::write_bytes(dir + "/" + name, std::vector<uint8_t>(text.begin(), text.end()));
    if (n_shards == 1) {
        test::write_bytes(dir + "/model.safetensors", test::safetensors_bytes(f.tensors));
        return;
    }
    std::string index = "{\"metadata\": {\"total_size\": 0}, \"weight_map\": {";
    for (int s = 0; s < n_shards; s++) {
        const std::string name = "model-0000" + std::to_string(s + 1) + "-of-0000" +
                                 std::to_string(n_shards) + ".safetensors";
        std::vector<test::st_entry> part;
        for (size_t i = size_t(s); i < f.tensors.size(); i += size_t(n_shards)) {
            part.push_back(f.tensors[i]);
            index += std::string(index.back() == '{' ? "" : ", ") + "\"" + f.tensors[i].name +
                     "\": \"" + name + "\"";
        }
        test::write_bytes(dir + "/" + name, test::safetensors_bytes(part));
    }
    index += "}}";
    test::write_bytes(dir + "/model.safetensors.index.json",
                      std::vector<uint8_t>(index.begin(), index.end()));
}

bool same_bytes(const gguf_tensor &a, const gguf_tensor &b) {
    return a.size == b.size && std::memcmp(a.data, b.data, a.size) == 0;
}

// The 48 tokens of the golden logits file: BOS and a story.
std::vector<int32_t> some_tokens() {
    return {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426};
}

TEST(ConvertHf, Float32CheckpointEqualsTheLlama2cConversion) {
    test::temp_dir dir;
    write_folder(stories_as_hf("F32", true), dir.file("hf"));
    std::string error;
    ASSERT_TRUE(
        test::convert_hf(dir.file("hf"), convert::out_type::F32, dir.file("hf.gguf"), &error))
        << error;
    auto ours = test::open_gguf(dir.file("hf.gguf")), l2c = test::open_gguf(BUNDLED);
    ASSERT_TRUE(ours && l2c);
    ASSERT_EQ(ours->tensors().size(), l2c->tensors().size());
    for (const gguf_tensor &t : l2c->tensors()) {
        const gguf_tensor *mine = ours->find_tensor(t.name);
        ASSERT_NE(mine, nullptr) << t.name;
        EXPECT_EQ(mine->type, t.type) << t.name;
        EXPECT_EQ(mine->n_dims, t.n_dims) << t.name;
        EXPECT_TRUE(same_bytes(*mine, t)) << t.name;
    }
    // the same metadata but the name; the vocabulary from tokenizer.model
    for (const gguf_kv &kv : l2c->metadata()) {
        if (kv.key == "general.name") continue;
        const gguf_value *v = ours->find(kv.key);
        ASSERT_NE(v, nullptr) << kv.key;
        EXPECT_TRUE(*v == kv.value) << kv.key;
    }
    const std::vector<float> a = test::model_logits(dir.file("hf.gguf"), some_tokens());
    const std::vector<float> b = test::model_logits(BUNDLED, some_tokens());
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a, b);
}

TEST(ConvertHf, ShardedCheckpointGivesTheSameFile) {
    test::temp_dir dir;
    const hf_folder f = stories_as_hf("F32", false);
    write_folder(f, dir.file("one"));
    write_folder(f, dir.file("three"), 3);
    std::string error;
    ASSERT_TRUE(
        test::convert_hf(dir.file("one"), convert::out_type::F16, dir.file("one.gguf"), &error))
        << error;
    ASSERT_TRUE(
        test::convert_hf(dir.file("three"), convert::out_type::F16, dir.file("3.gguf"), &error))
        << error;
    EXPECT_EQ(test::read_bytes(dir.file("one.gguf")), test::read_bytes(dir.file("3.gguf")));
    auto f16 = test::open_gguf(dir.file("one.gguf"));
    ASSERT_NE(f16, nullptr);
    const gguf_tensor *head = f16->find_tensor("output.weight"); // untied: lm_head is kept
    ASSERT_NE(head, nullptr);
    EXPECT_EQ(head->type, GGML_TYPE_F16);
    EXPECT_EQ(f16->find_tensor("blk.0.attn_norm.weight")->type, GGML_TYPE_F32);
}

TEST(ConvertHf, Bfloat16ValuesConvertExactly) {
    test::temp_dir dir;
    write_folder(stories_as_hf("BF16", true), dir.file("hf"));
    std::string error;
    ASSERT_TRUE(
        test::convert_hf(dir.file("hf"), convert::out_type::F32, dir.file("bf16.gguf"), &error))
        << error;
    auto ours = test::open_gguf(dir.file("bf16.gguf")), l2c = test::open_gguf(BUNDLED);
    ASSERT_TRUE(ours && l2c);
    for (const gguf_tensor &t : l2c->tensors()) {
        const gguf_tensor *mine = ours->find_tensor(t.name);
        ASSERT_NE(mine, nullptr) << t.name;
        ASSERT_EQ(mine->size, t.size) << t.name;
        const auto *x = static_cast<const float *>(t.data),
                   *y = static_cast<const float *>(mine->data);
        for (size_t i = 0; i < t.size / 4; i++)
            ASSERT_EQ(y[i], test::bf16_round(x[i])) << t.name << " element " << i;
    }
    // bf16 weights move the logits a little, not a lot
    const double diff = test::max_abs_diff(test::model_logits(dir.file("bf16.gguf"), some_tokens()),
                                           test::model_logits(BUNDLED, some_tokens()));
    EXPECT_LT(diff, 0.5);
}

// What convert_hf says about a folder edited by `edit`.
std::string error_for(const std::function<void(hf_folder &)> &edit) {
    test::temp_dir dir;
    hf_folder f = stories_as_hf("F32", true);
    edit(f);
    write_folder(f, dir.file("hf"));
    std::string error;
    EXPECT_FALSE(
        test::convert_hf(dir.file("hf"), convert::out_type::F32, dir.file("x.gguf"), &error));
    return error;
}

TEST(ConvertHf, RefusesWhatItCannotConvertNamingTheProblem) {
    const std::vector<std::pair<std::function<void(hf_folder &)>, std::string>> cases = {
        {[](hf_folder &f) {
             test::replace(f.config, "\"model_type\": \"llama\"", "\"model_type\": \"gpt2\"");
         },
         "config.json: model_type \"gpt2\" is not supported"},
        {[](hf_folder &f) {
             test::replace(f.config, "\"rope_scaling\": null",
                           "\"rope_scaling\": {\"type\": \"linear\"}");
         },
         "rope_scaling is set"},
        {[](hf_folder &f) {
             test::replace(f.config, "\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\"");
         },
         "hidden_act \"gelu\" is not supported"},
        {[](hf_folder &f) {
             test::replace(f.config, "\"num_key_value_heads\": 4", "\"num_key_value_heads\": 3");
         },
         "num_key_value_heads 3 does not divide num_attention_heads 8"},
        {[](hf_folder &f) {
             test::replace(f.config, "\"vocab_size\": 512", "\"vocab_size\": 500");
         },
         "512 tokens, but config.json's vocab_size is 500"},
        {[](hf_folder &f) {
             test::replace(f.config, "\"hidden_size\": 64", "\"hidden_size\": \"64\"");
         },
         "\"hidden_size\" is a string, not an integer"},
        {[](hf_folder &f) { test::replace(f.config, "\"intermediate_size\": 172,", ""); },
         "\"intermediate_size\" is missing"},
        {[](hf_folder &f) { f.tensors.pop_back(); }, "missing tensor 'model.norm.weight'"},
        {[](hf_folder &f) {
             f.tensors[1].shape = {32, 2};
         },
         "tensor 'model.layers.0.input_layernorm.weight' has shape [32, 2], expected [64]"},
        {[](hf_folder &f) {
             f.tensors.push_back(test::float_entry("model.extra.weight", {1}, {0.0f}, "F32"));
         },
         "tensor 'model.extra.weight' is not part of a llama model"},
        {[](hf_folder &f) { f.tensors[0].dtype = "I32"; },
         "tensor 'model.embed_tokens.weight' has dtype I32; weights must be F16, BF16 or F32"},
    };
    for (const auto &[edit, message] : cases) {
        const std::string error = error_for(edit);
        EXPECT_NE(error.find(message), std::string::npos) << message << "\n  in: " << error;
    }
}

// ------------------------------------------------------------------ tokenizer.json

std::string json_string(const std::string &s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

const char *const LLAMA3_SPLIT =
    R"({"type": "Split", "pattern": {"Regex": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}, "behavior": "Isolated", "invert": false})";

// The pre_tokenizer of tokenizer.json for llama.cpp's pre-tokenizer `pre`.
std::string hf_pre_tokenizer(const std::string &pre) {
    const std::string byte_level = R"({"type": "ByteLevel", "add_prefix_space": false, )"
                                   R"("trim_offsets": true, "use_regex": )";
    if (pre == "smollm")
        return R"({"type": "Sequence", "pretokenizers": [{"type": "Digits", )"
               R"("individual_digits": true}, )" +
               byte_level + "true}]}";
    if (pre == "llama-bpe")
        return R"({"type": "Sequence", "pretokenizers": [)" + std::string(LLAMA3_SPLIT) + ", " +
               byte_level + "false}]}";
    return byte_level + "true}";
}

// A vocabulary as Hugging Face stores it: tokenizer.json (control tokens
// as special added tokens) and tokenizer_config.json.
std::vector<std::pair<std::string, std::string>> hf_tokenizer_files(const vocab &v) {
    std::string vocab_json, added, merges;
    for (size_t i = 0; i < v.tokens.size(); i++) {
        vocab_json += (i ? ", " : "") + json_string(v.tokens[i]) + ": " + std::to_string(i);
        if (v.types[i] == token_type::CONTROL)
            added += std::string(added.empty() ? "" : ", ") + "{\"id\": " + std::to_string(i) +
                     ", \"content\": " + json_string(v.tokens[i]) +
                     ", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, "
                     "\"normalized\": false, \"special\": true}";
    }
    for (size_t i = 0; i < v.merges.size(); i++)
        merges += (i ? ", " : "") + json_string(v.merges[i]);
    const std::string tokenizer =
        R"({"version": "1.0", "truncation": null, "padding": null, "added_tokens": [)" + added +
        R"(], "normalizer": null, "pre_tokenizer": )" + hf_pre_tokenizer(v.pre) +
        R"(, "post_processor": null, "decoder": {"type": "ByteLevel"}, "model": {"type": "BPE", )"
        R"("dropout": null, "unk_token": null, "continuing_subword_prefix": null, )"
        R"("end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, )"
        R"("ignore_merges": )" +
        std::string(v.pre == "llama-bpe" ? "true" : "false") + R"(, "vocab": {)" + vocab_json +
        R"(}, "merges": [)" + merges + "]}}";
    std::string config = R"({"add_prefix_space": false, "bos_token": )" +
                         json_string(v.tokens[size_t(v.bos_id)]) +
                         R"(, "eos_token": {"content": )" +
                         json_string(v.tokens[size_t(v.eos_id)]) + R"(, "special": true})";
    if (!v.chat_template.empty()) config += ", \"chat_template\": " + json_string(v.chat_template);
    return {{"tokenizer.json", tokenizer}, {"tokenizer_config.json", config + "}"}};
}

// stories260K's layers with the vocabulary `v` (a zero embedding of its size).
hf_folder stories_with_vocab(const vocab &v) {
    hf_folder f = stories_as_hf("F32", true);
    const auto n = int64_t(v.tokens.size());
    f.tensors[0] = test::float_entry("model.embed_tokens.weight", {n, 64},
                                     std::vector<float>(size_t(n) * 64), "F32");
    test::replace(f.config, "\"vocab_size\": 512", "\"vocab_size\": " + std::to_string(n));
    test::replace(f.config, "\"bos_token_id\": 1, \"eos_token_id\": 2,", "");
    f.tokenizer_files = hf_tokenizer_files(v);
    return f;
}

vocab converted_vocab(const hf_folder &f, std::string *error) {
    test::temp_dir dir;
    write_folder(f, dir.file("hf"));
    vocab v;
    if (!test::convert_hf(dir.file("hf"), convert::out_type::F32, dir.file("out.gguf"), error))
        return v;
    auto gguf = test::open_gguf(dir.file("out.gguf"));
    if (gguf) load_vocab(*gguf, &v, error);
    return v;
}

TEST(ConvertHfTokenizer, SmolLM2TokenizerJsonGivesLlamaCppsVocabulary) {
    const vocab theirs = test::load_vocab(test::data("bpe/smollm2-vocab.gguf"));
    std::string error;
    const vocab ours = converted_vocab(stories_with_vocab(theirs), &error);
    ASSERT_EQ(error, "");
    EXPECT_EQ(ours.kind, tokenizer_kind::BPE);
    EXPECT_EQ(ours.pre, "smollm");
    EXPECT_EQ(ours.tokens, theirs.tokens);
    EXPECT_EQ(ours.types, theirs.types);
    EXPECT_EQ(ours.merges, theirs.merges);
    EXPECT_EQ(ours.bos_id, theirs.bos_id);
    EXPECT_EQ(ours.eos_id, theirs.eos_id);
    EXPECT_EQ(ours.add_bos, theirs.add_bos);
    EXPECT_EQ(ours.chat_template, theirs.chat_template);
    const auto t = tokenizer::create(ours);
    EXPECT_EQ(test::passed_cases(*t, test::data("bpe/smollm2-vocab.gguf")), 46);
}

TEST(ConvertHfTokenizer, Gpt2AndLlama3PreTokenizers) {
    vocab v = test::load_vocab(test::data("bpe/ggml-vocab-gpt-2.gguf"));
    std::string error;
    const vocab gpt2 = converted_vocab(stories_with_vocab(v), &error);
    ASSERT_EQ(error, "");
    EXPECT_EQ(gpt2.pre, "gpt-2");
    EXPECT_EQ(gpt2.merges, v.merges);
    EXPECT_EQ(test::passed_cases(*tokenizer::create(gpt2), test::data("bpe/ggml-vocab-gpt-2.gguf")),
              46);
    v.pre = "llama-bpe";
    const vocab llama3 = converted_vocab(stories_with_vocab(v), &error);
    ASSERT_EQ(error, "");
    EXPECT_EQ(llama3.pre, "llama-bpe");
    EXPECT_TRUE(llama3.add_bos); // Llama 3 starts with BOS
}

TEST(ConvertHfTokenizer, RefusesWhatItCannotConvertNamingTheProblem) {
    const vocab v = test::load_vocab(test::data("bpe/smollm2-vocab.gguf"));
    const hf_folder good = stories_with_vocab(v);
    const std::vector<std::pair<std::pair<std::string, std::string>, std::string>> cases = {
        {{"\"byte_fallback\": false", "\"byte_fallback\": true"},
         "tokenizer.json: byte_fallback is set"},
        {{"\"normalizer\": null", "\"normalizer\": {\"type\": \"NFC\"}"},
         "tokenizer.json: a normalizer (NFC) is set"},
        {{"\"individual_digits\": true", "\"individual_digits\": false"},
         "the pre-tokenizer (Digits + ByteLevel) is none of"},
        {{"\"ignore_merges\": false", "\"ignore_merges\": true"},
         "ignore_merges is true, which llama.cpp's 'smollm' pre-tokenizer does not do"},
        {{"\"type\": \"BPE\"", "\"type\": \"WordPiece\""}, "the model is not BPE"},
        {{json_string(v.tokens[100]) + ": 100,", json_string(v.tokens[100]) + ": 49152,"},
         "no token has the id 100"},
        {{"\"<|im_start|>\": 1,", "\"<|im_start|>\": 0,"},
         "id 0 is both '<|endoftext|>' and '<|im_start|>'"},
        {{"\"merges\": [\"", "\"merges\": [\"x zzzzzzzzzzzz\", \""},
         "tokenizer.ggml.merges: merge 0 'x zzzzzzzzzzzz': 'zzzzzzzzzzzz' is not a token"},
    };
    for (const auto &[edit, message] : cases) {
        hf_folder f = good;
        test::replace(f.tokenizer_files[0].second, edit.first, edit.second);
        std::string error;
        converted_vocab(f, &error);
        EXPECT_NE(error.find(message), std::string::npos) << message << "\n  in: " << error;
    }
}

} // namespace
