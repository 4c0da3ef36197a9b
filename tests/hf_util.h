// Helpers for the Hugging Face and GPTQ import tests: writing safetensors
// files and checkpoint folders the way transformers and AutoGPTQ lay them
// out (written here from the format descriptions, independently of the
// readers under test), running a model, and turning a GGUF's quantized
// weights into F32.
#pragma once

#include "checkpoints/hf_checkpoint.h"
#include "file_util.h"
#include "gguf_file.h"
#include "gguf_writer.h"
#include "llama.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace test {

struct st_entry {
    std::string name;
    std::string dtype; // "F32", "F16", "BF16", "I32"
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
};

template <typename T> std::vector<uint8_t> raw_bytes(const std::vector<T> &v) {
    std::vector<uint8_t> b(v.size() * sizeof(T));
    if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
    return b;
}

inline uint16_t bf16_bits(float f) { // truncation of an exactly representable value
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return uint16_t(u >> 16);
}

inline float bf16_round(float f) { // round to nearest even
    uint32_t u;
    std::memcpy(&u, &f, 4);
    u = (u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000u;
    std::memcpy(&f, &u, 4);
    return f;
}

// Floats in a safetensors float dtype (values must already be exact in it).
inline st_entry float_entry(std::string name, std::vector<int64_t> shape,
                            const std::vector<float> &v, const std::string &dtype) {
    std::vector<uint8_t> bytes;
    if (dtype == "F32") {
        bytes = raw_bytes(v);
    } else {
        std::vector<uint16_t> h(v.size());
        for (size_t i = 0; i < v.size(); i++)
            h[i] = dtype == "F16" ? ggml_fp32_to_fp16(v[i]) : bf16_bits(v[i]);
        bytes = raw_bytes(h);
    }
    return {std::move(name), dtype, std::move(shape), std::move(bytes)};
}

// The 8-byte header length, the JSON header, the data (tensors in order).
inline std::vector<uint8_t> safetensors_bytes(const std::vector<st_entry> &entries) {
    std::string header = "{\"__metadata__\":{\"format\":\"pt\"}";
    size_t offset = 0;
    for (const st_entry &e : entries) {
        header.append(",\"").append(e.name).append("\":{\"dtype\":\"").append(e.dtype);
        header.append("\",\"shape\":[");
        for (size_t i = 0; i < e.shape.size(); i++)
            header.append(i ? "," : "").append(std::to_string(e.shape[i]));
        header.append("],\"data_offsets\":[").append(std::to_string(offset)).append(",");
        offset += e.bytes.size();
        header.append(std::to_string(offset)).append("]}");
    }
    header += "}";
    while (header.size() % 8) header += ' '; // as the reference writer pads
    std::vector<uint8_t> out(8 + header.size() + offset);
    const uint64_t n = header.size();
    std::memcpy(out.data(), &n, 8);
    std::copy(header.begin(), header.end(), out.begin() + 8);
    size_t at = 8 + header.size();
    for (const st_entry &e : entries) {
        std::copy(e.bytes.begin(), e.bytes.end(), out.begin() + long(at));
        at += e.bytes.size();
    }
    return out;
}

inline void write_text(const std::string &path, const std::string &text) {
    write_bytes(path, std::vector<uint8_t>(text.begin(), text.end()));
}

// Replaces the first `from` in s (which must be there) by `to`.
inline void replace(std::string &s, const std::string &from, const std::string &to) {
    const size_t at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
}

inline std::unique_ptr<llama::gguf_file> open_gguf(const std::string &path) {
    std::string error;
    std::unique_ptr<llama::gguf_file> f = llama::gguf_file::open(path, &error);
    EXPECT_NE(f, nullptr) << error;
    return f;
}

// convert --hf DIR as the tool does it, named "test"; false and *error on failure.
inline bool convert_hf(const std::string &dir, convert::out_type type, const std::string &out,
                       std::string *error) {
    std::unique_ptr<convert::hf_checkpoint> ckpt = convert::hf_checkpoint::open(dir, error);
    if (!ckpt) return false;
    llama::gguf_writer w;
    return ckpt->add_to("test", type, &w, error) && w.write(out, error);
}

// Logits [n_tokens][n_vocab] of a model file for a token sequence, one batch.
inline std::vector<float> model_logits(const std::string &gguf,
                                       const std::vector<int32_t> &tokens) {
    llama_model *model = llama_model_load(gguf.c_str());
    EXPECT_NE(model, nullptr) << llama_last_error();
    if (!model) return {};
    llama_context_params p = llama_context_default_params();
    p.n_ctx = 64;
    p.n_batch = 64;
    p.kv_type = GGML_TYPE_F32;
    p.all_logits = true;
    p.n_threads = 2;
    llama_context *ctx = llama_context_new(model, p);
    std::vector<float> out;
    const int32_t vocab = llama_n_vocab(model);
    EXPECT_EQ(llama_decode(ctx, tokens.data(), int32_t(tokens.size())), 0) << llama_last_error();
    for (size_t i = 0; i < tokens.size(); i++) {
        const float *l = llama_get_logits_ith(ctx, int32_t(i));
        out.insert(out.end(), l, l + vocab);
    }
    llama_context_free(ctx);
    llama_model_free(model);
    return out;
}

inline double max_abs_diff(const std::vector<float> &a, const std::vector<float> &b) {
    EXPECT_EQ(a.size(), b.size());
    double worst = a.size() == b.size() ? 0.0 : INFINITY;
    for (size_t i = 0; i < a.size() && i < b.size(); i++)
        worst = std::max(worst, std::fabs(double(a[i]) - double(b[i])));
    return worst;
}

// Copies a GGUF file with every quantized tensor decoded to F32, so that the
// model runs with float activations (the path without 8-bit activations).
inline void dequantize_gguf(const std::string &in, const std::string &out) {
    std::string error;
    std::unique_ptr<llama::gguf_file> f = llama::gguf_file::open(in, &error);
    ASSERT_NE(f, nullptr) << error;
    llama::gguf_writer w;
    for (const llama::gguf_kv &kv : f->metadata()) w.set(kv.key, kv.value);
    for (const llama::gguf_tensor &t : f->tensors()) {
        if (!ggml_is_quantized(t.type)) {
            w.add_tensor(t.name, t.type, t.n_dims, t.ne, t.data);
            continue;
        }
        std::vector<float> values(size_t(t.ne[0] * t.ne[1]));
        const size_t row_bytes = ggml_row_size(t.type, t.ne[0]);
        for (int64_t r = 0; r < t.ne[1]; r++)
            ggml_dequantize_row(t.type, static_cast<const uint8_t *>(t.data) + r * row_bytes,
                                values.data() + r * t.ne[0], t.ne[0]);
        w.add_tensor(t.name, GGML_TYPE_F32, t.n_dims, t.ne, values.data());
    }
    ASSERT_TRUE(w.write(out, &error)) << error;
}

} // namespace test
