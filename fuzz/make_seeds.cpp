// Writes the generated seeds of the harnesses into SEEDS/<harness>/: tiny
// llama models as GGUF (F32 and Q4_0), a tiny llama2.c checkpoint, a
// safetensors file of every float dtype, and rows of floats that stress the
// quantizers. (The seeds that are real files are copied from tests/data by
// CMake.)
// usage: make_seeds SEEDS
#include "gguf.h"
#include "llama_gguf_out.h"
#include "vocab.h"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

std::mt19937 rng(1234);

std::vector<float> random_floats(size_t n, float scale) {
    std::normal_distribution<float> dist(0.0f, scale);
    std::vector<float> x(n);
    for (float &v : x) v = dist(rng);
    return x;
}

void write_file(const std::filesystem::path &path, const void *data, size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char *>(data), std::streamsize(size));
    if (!out) {
        std::fprintf(stderr, "make_seeds: cannot write %s\n", path.c_str());
        std::exit(1);
    }
}

// SentencePiece pieces: the specials, a few merges, and no byte tokens.
llama::vocab tiny_vocab() {
    llama::vocab v;
    const std::string space = "\xE2\x96\x81"; // U+2581
    const std::string pieces[] = {"<unk>", "<s>",        "</s>", space, "a",         "b",
                                  "c",     space + "a",  "ab",   "abc", space + "b", "ba",
                                  "ca",    space + "ab", "bc",   "cc"};
    for (int i = 0; i < 16; i++) {
        v.tokens.push_back(pieces[i]);
        v.scores.push_back(-float(i));
        v.types.push_back(i == 0  ? llama::token_type::UNKNOWN
                          : i < 3 ? llama::token_type::CONTROL
                                  : llama::token_type::NORMAL);
    }
    return v;
}

// A one-layer llama of dimension `embd` (heads of 4, grouped 2:1) with its
// matrices in `type`.
void write_tiny_model(const std::filesystem::path &path, int64_t embd, ggml_type type) {
    const int64_t n_vocab = 16, n_ff = embd, n_head = embd / 4, kv = embd / 2;
    llama::gguf_writer w;
    convert::set_llama_metadata({"tiny", 16, uint32_t(embd), 1, uint32_t(n_ff), uint32_t(n_head),
                                 uint32_t(n_head / 2), 4, 1e-5f, 10000.0f},
                                convert::out_type::F32, &w);
    llama::store_vocab(tiny_vocab(), &w);
    std::vector<std::vector<uint8_t>> data; // kept until written
    auto add = [&](const std::string &name, int64_t ne0, int64_t ne1, ggml_type t) {
        const std::vector<float> x = random_floats(size_t(ne0 * ne1), ne1 == 1 ? 1.0f : 0.1f);
        data.emplace_back(ggml_row_size(t, ne0) * size_t(ne1));
        ggml_quantize_rows(t, x.data(), data.back().data(), ne1, ne0);
        const int64_t ne[2] = {ne0, ne1};
        w.add_tensor(name, t, ne1 == 1 ? 1 : 2, ne, data.back().data());
    };
    add("token_embd.weight", embd, n_vocab, type);
    add("output_norm.weight", embd, 1, GGML_TYPE_F32);
    add("blk.0.attn_norm.weight", embd, 1, GGML_TYPE_F32);
    add("blk.0.ffn_norm.weight", embd, 1, GGML_TYPE_F32);
    add("blk.0.attn_q.weight", embd, embd, type);
    add("blk.0.attn_k.weight", embd, kv, type);
    add("blk.0.attn_v.weight", embd, kv, type);
    add("blk.0.attn_output.weight", embd, embd, type);
    add("blk.0.ffn_gate.weight", embd, n_ff, type);
    add("blk.0.ffn_up.weight", embd, n_ff, type);
    add("blk.0.ffn_down.weight", n_ff, embd, type);
    std::string error;
    if (!w.write(path.string(), &error)) {
        std::fprintf(stderr, "make_seeds: %s\n", error.c_str());
        std::exit(1);
    }
}

// run.c's legacy checkpoint: dim 8, hidden 8, 1 layer, 2 heads, vocab 16,
// seq_len 4, shared classifier.
void write_tiny_llama2c(const std::filesystem::path &path) {
    const int32_t header[7] = {8, 8, 1, 2, 2, 16, 4};
    const size_t n_floats = 16 * 8 + 8 + 4 * 8 * 8 + 8 + 3 * 8 * 8 + 8 + 4 * 4 / 2 * 2;
    std::vector<uint8_t> bytes(sizeof header);
    std::memcpy(bytes.data(), header, sizeof header);
    const std::vector<float> x = random_floats(n_floats, 0.1f);
    const auto *p = reinterpret_cast<const uint8_t *>(x.data());
    bytes.insert(bytes.end(), p, p + x.size() * sizeof(float));
    write_file(path, bytes.data(), bytes.size());
}

// A safetensors file of one tensor per float dtype and an I32 one.
void write_tiny_safetensors(const std::filesystem::path &path) {
    std::string header = R"({"__metadata__":{"format":"pt"},)"
                         R"("a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                         R"("b":{"dtype":"F16","shape":[4],"data_offsets":[24,32]},)"
                         R"("c":{"dtype":"BF16","shape":[2,1],"data_offsets":[32,36]},)"
                         R"("d":{"dtype":"I32","shape":[1],"data_offsets":[36,40]}})";
    while (header.size() % 8) header += ' ';
    std::vector<uint8_t> bytes(8 + header.size() + 40);
    const uint64_t n = header.size();
    std::memcpy(bytes.data(), &n, 8);
    std::memcpy(bytes.data() + 8, header.data(), header.size());
    for (size_t i = 8 + header.size(); i < bytes.size(); i++) bytes[i] = uint8_t(rng());
    write_file(path, bytes.data(), bytes.size());
}

// Rows of 64 blocks: normal values, exact ties, tiny and huge blocks.
void write_float_rows(const std::filesystem::path &dir) {
    const std::vector<float> normal = random_floats(32 * 64, 1.0f);
    write_file(dir / "normal.bin", normal.data(), normal.size() * sizeof(float));
    std::vector<float> mixed(32 * 4);
    for (int j = 0; j < 32; j++) {
        mixed[size_t(j)] = float(j - 16) + 0.5f;        // ties
        mixed[size_t(32 + j)] = float(j - 15) * 6e-40f; // 1/d overflows
        mixed[size_t(64 + j)] = float(j) * 1e30f;
        mixed[size_t(96 + j)] = j == 5 ? FLT_MAX : float(j) * 0.01f;
    }
    write_file(dir / "mixed.bin", mixed.data(), mixed.size() * sizeof(float));
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_seeds SEEDS\n");
        return 1;
    }
    const std::filesystem::path seeds = argv[1];
    for (const char *h : {"gguf_model", "llama2c", "safetensors", "quantizers"})
        std::filesystem::create_directories(seeds / h);
    write_tiny_model(seeds / "gguf_model" / "tiny-f32.gguf", 8, GGML_TYPE_F32);
    write_tiny_model(seeds / "gguf_model" / "tiny-q4_0.gguf", 32, GGML_TYPE_Q4_0);
    write_tiny_llama2c(seeds / "llama2c" / "tiny.bin");
    write_tiny_safetensors(seeds / "safetensors" / "tiny.safetensors");
    write_float_rows(seeds / "quantizers");
    return 0;
}
