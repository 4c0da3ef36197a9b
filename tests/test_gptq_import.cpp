// GPTQ import: the real AutoGPTQ checkpoint of stories260K reproduces its
// reference logits, and small checkpoints made here by a packer written from
// the format description (docs/formats.md section 4) convert without loss: every
// weight of every Q4_Z/Q3_Z tensor equals scales[g][n] * (q[k][n] - z[g][n])
// in fp32, through the stored input order, and the model's logits equal those
// of the same checkpoint dequantized to F32.
#include "checkpoints/hf_checkpoint.h"
#include "forward.h"
#include "hf_util.h"
#include "kv_cache.h"
#include "model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <numeric>
#include <random>
#include <sys/wait.h>

using namespace llama;

namespace {

const std::string REAL = test::data("gptq/stories260K-gptq-4bit-g32-actorder");

// ------------------------------------------------------------------ the packer

// Writes `bits`-bit value v at bit position pos of a little-endian stream of
// 32-bit words: GPTQ packs every 32/bits values (for 3 bits, every 32 values
// into 3 words) this way, value i at bits [bits*i, bits*i + bits).
void put_bits(std::vector<uint32_t> &stream, int64_t pos, uint32_t v, int bits) {
    for (int b = 0; b < bits; b++)
        if ((v >> b) & 1) stream[size_t((pos + b) / 32)] |= 1u << ((pos + b) % 32);
}

uint32_t get_bits(const std::vector<uint32_t> &stream, int64_t pos, int bits) {
    uint32_t v = 0;
    for (int b = 0; b < bits; b++)
        v |= ((stream[size_t((pos + b) / 32)] >> ((pos + b) % 32)) & 1) << b;
    return v;
}

// One GPTQ linear layer as a quantizer would leave it: W[n][k] =
// scales[g][n] * (q[k][n] - z[g][n]), g = g_idx[k], in Hugging Face layout.
struct quant_layer {
    int64_t K = 0, N = 0;
    std::vector<int> q;         // [K][N]
    std::vector<int32_t> g_idx; // [K]
    std::vector<int> z;         // [G][N]
    std::vector<float> scales;  // [G][N]
    std::vector<float> bias;    // [N] or empty

    int64_t groups() const { return int64_t(scales.size()) / N; }
    float w(int64_t n, int64_t k) const {
        const int64_t g = g_idx[size_t(k)];
        return scales[size_t(g * N + n)] * float(q[size_t(k * N + n)] - z[size_t(g * N + n)]);
    }
};

struct gptq_case {
    const char *label;
    int bits;
    int group_size; // -1: one group per row
    bool v2;        // checkpoint_format gptq_v2 (else gptq: stored zero z - 1)
    bool sym;       // zero 2^(bits-1) everywhere
    bool act_order; // desc_act: g_idx follows a random permutation
    std::string scale_dtype;
    bool bias;
    bool config_in_own_file; // quantize_config.json rather than quantization_config
};

// A layer with random integers and group parameters; `perm` (empty: none)
// is the act-order permutation: input perm[i] is quantized i-th.
quant_layer make_layer(const gptq_case &c, int64_t K, int64_t N, const std::vector<int32_t> &perm,
                       std::mt19937 &rng) {
    quant_layer l;
    l.K = K;
    l.N = N;
    const int levels = 1 << c.bits;
    const int64_t g = c.group_size == -1 ? K : c.group_size, G = (K + g - 1) / g;
    l.g_idx.resize(size_t(K));
    for (int64_t i = 0; i < K; i++)
        l.g_idx[size_t(perm.empty() ? i : perm[size_t(i)])] = int32_t(i / g);
    l.z.resize(size_t(G * N));
    for (int &z : l.z) // v1 stores z - 1, so it holds 1..2^bits; v2 holds 0..2^bits-1
        z = c.sym ? levels / 2 : int(rng() % unsigned(levels)) + (c.v2 ? 0 : 1);
    // weights spread around zero, as trained weights are: q near z
    std::normal_distribution<float> spread(0.0f, float(levels) / 5.0f);
    l.q.resize(size_t(K * N));
    for (int64_t k = 0; k < K; k++)
        for (int64_t n = 0; n < N; n++) {
            const int z = l.z[size_t(l.g_idx[size_t(k)] * N + n)];
            l.q[size_t(k * N + n)] = std::clamp(z + int(std::lround(spread(rng))), 0, levels - 1);
        }
    std::uniform_real_distribution<float> scale(0.004f, 0.05f);
    l.scales.resize(size_t(G * N));
    for (float &s : l.scales) // exact in the dtype and in fp16
        s = c.scale_dtype == "BF16" ? test::bf16_round(scale(rng))
                                    : ggml_fp16_to_fp32(ggml_fp32_to_fp16(scale(rng)));
    if (c.bias) {
        std::uniform_real_distribution<float> b(-0.2f, 0.2f);
        for (int64_t n = 0; n < N; n++)
            l.bias.push_back(ggml_fp16_to_fp32(ggml_fp32_to_fp16(b(rng))));
    }
    return l;
}

void add_packed(const gptq_case &c, const std::string &prefix, const quant_layer &l,
                std::vector<test::st_entry> *out) {
    const int b = c.bits;
    std::vector<int32_t> qweight(size_t(l.K * b / 32 * l.N));
    for (int64_t n = 0; n < l.N; n++) { // each column is a stream along k
        std::vector<uint32_t> stream(size_t(l.K * b / 32));
        for (int64_t k = 0; k < l.K; k++)
            put_bits(stream, k * b, uint32_t(l.q[size_t(k * l.N + n)]), b);
        for (size_t r = 0; r < stream.size(); r++)
            qweight[r * size_t(l.N) + size_t(n)] = int32_t(stream[r]);
    }
    const int64_t G = l.groups();
    std::vector<int32_t> qzeros;
    for (int64_t g = 0; g < G; g++) { // each row is a stream along n
        std::vector<uint32_t> stream(size_t(l.N * b / 32));
        for (int64_t n = 0; n < l.N; n++) {
            const int stored = l.z[size_t(g * l.N + n)] - (c.v2 ? 0 : 1);
            put_bits(stream, n * b, uint32_t(stored) & ((1u << b) - 1), b); // v1's z = 2^b wraps
        }
        qzeros.insert(qzeros.end(), stream.begin(), stream.end());
    }
    out->push_back({prefix + ".qweight", "I32", {l.K * b / 32, l.N}, test::raw_bytes(qweight)});
    out->push_back({prefix + ".qzeros", "I32", {G, l.N * b / 32}, test::raw_bytes(qzeros)});
    out->push_back(test::float_entry(prefix + ".scales", {G, l.N}, l.scales, c.scale_dtype));
    out->push_back({prefix + ".g_idx", "I32", {l.K}, test::raw_bytes(l.g_idx)});
    if (!l.bias.empty()) out->push_back(test::float_entry(prefix + ".bias", {l.N}, l.bias, "F16"));
}

// ------------------------------------------------------------------ a small model

constexpr int64_t DIM = 128, HEADS = 4, KV_HEADS = 2, HD = DIM / HEADS, KV = HD * KV_HEADS,
                  FF = 160, LAYERS = 2, VOCAB = 512; // ffn_down: inputs not a multiple of 128
const char *const LINEARS[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                               "self_attn.o_proj", "mlp.gate_proj",    "mlp.up_proj",
                               "mlp.down_proj"};
const char *const GGUF_NAMES[] = {"attn_q",   "attn_k", "attn_v",  "attn_output",
                                  "ffn_gate", "ffn_up", "ffn_down"};

struct small_model {
    std::vector<float> embed, final_norm;         // [VOCAB][DIM], [DIM]
    std::vector<std::vector<float>> norms;        // per layer: attn, ffn
    std::vector<std::vector<quant_layer>> layers; // per layer, in LINEARS order
};

std::vector<int32_t> random_perm(int64_t n, std::mt19937 &rng) {
    std::vector<int32_t> p(static_cast<size_t>(n));
    std::iota(p.begin(), p.end(), 0);
    std::shuffle(p.begin(), p.end(), rng);
    return p;
}

small_model make_model(const gptq_case &c, uint32_t seed) {
    std::mt19937 rng(seed);
    small_model m;
    auto halves = [&](size_t n, float lo, float hi) {
        std::uniform_real_distribution<float> d(lo, hi);
        std::vector<float> v(n);
        for (float &x : v) x = ggml_fp16_to_fp32(ggml_fp32_to_fp16(d(rng)));
        return v;
    };
    m.embed = halves(size_t(VOCAB * DIM), -1.0f, 1.0f);
    m.final_norm = halves(size_t(DIM), 0.5f, 1.5f);
    for (int64_t il = 0; il < LAYERS; il++) {
        m.norms.push_back(halves(size_t(2 * DIM), 0.5f, 1.5f));
        // q, k and v see one input, as do gate and up: act-order gives them
        // one permutation (the Hessian's diagonal is theirs in common)
        std::vector<int32_t> attn_in, o_in, ffn_in, down_in;
        if (c.act_order) {
            attn_in = random_perm(DIM, rng);
            o_in = random_perm(DIM, rng);
            ffn_in = random_perm(DIM, rng);
            down_in = random_perm(FF, rng);
        }
        const std::vector<int32_t> *perms[] = {&attn_in, &attn_in, &attn_in, &o_in,
                                               &ffn_in,  &ffn_in,  &down_in};
        const int64_t shapes[][2] = {{DIM, DIM}, {DIM, KV}, {DIM, KV}, {DIM, DIM},
                                     {DIM, FF},  {DIM, FF}, {FF, DIM}};
        std::vector<quant_layer> ls;
        for (int i = 0; i < 7; i++)
            ls.push_back(make_layer(c, shapes[i][0], shapes[i][1], *perms[i], rng));
        m.layers.push_back(std::move(ls));
    }
    return m;
}

std::string config_json(const std::string &quantization) {
    return R"({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
        "hidden_size": 128, "intermediate_size": 160, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 512,
        "max_position_embeddings": 256, "rms_norm_eps": 1e-06, "rope_theta": 500000.0,
        "tie_word_embeddings": true)" +
           quantization + "}";
}

std::string quantize_config(const gptq_case &c) {
    return "{\"bits\": " + std::to_string(c.bits) +
           ", \"group_size\": " + std::to_string(c.group_size) +
           ", \"desc_act\": " + (c.act_order ? "true" : "false") +
           ", \"sym\": " + (c.sym ? "true" : "false") +
           ", \"static_groups\": false, \"quant_method\": \"gptq\", " +
           "\"checkpoint_format\": \"" + (c.v2 ? "gptq_v2" : "gptq") + "\"}";
}

// The checkpoint as GPTQ tools save it, or (dequantized) as the float model
// those weights make, with the same biases.
void write_model(const small_model &m, const gptq_case &c, bool dequantized,
                 const std::string &dir) {
    std::filesystem::create_directories(dir);
    std::vector<test::st_entry> t;
    t.push_back(test::float_entry("model.embed_tokens.weight", {VOCAB, DIM}, m.embed, "F16"));
    t.push_back(test::float_entry("model.norm.weight", {DIM}, m.final_norm, "F16"));
    for (int64_t il = 0; il < LAYERS; il++) {
        const std::string p = "model.layers." + std::to_string(il) + ".";
        const std::vector<float> &n = m.norms[size_t(il)];
        t.push_back(test::float_entry(p + "input_layernorm.weight", {DIM},
                                      std::vector<float>(n.begin(), n.begin() + DIM), "F16"));
        t.push_back(test::float_entry(p + "post_attention_layernorm.weight", {DIM},
                                      std::vector<float>(n.begin() + DIM, n.end()), "F16"));
        for (int i = 0; i < 7; i++) {
            const quant_layer &l = m.layers[size_t(il)][size_t(i)];
            if (!dequantized) {
                add_packed(c, p + LINEARS[i], l, &t);
                continue;
            }
            std::vector<float> w(size_t(l.N * l.K));
            for (int64_t n = 0; n < l.N; n++)
                for (int64_t k = 0; k < l.K; k++) w[size_t(n * l.K + k)] = l.w(n, k);
            t.push_back(test::float_entry(p + LINEARS[i] + ".weight", {l.N, l.K}, w, "F32"));
            if (!l.bias.empty())
                t.push_back(test::float_entry(p + LINEARS[i] + ".bias", {l.N}, l.bias, "F32"));
        }
    }
    test::write_bytes(dir + "/model.safetensors", test::safetensors_bytes(t));
    std::filesystem::copy_file(REAL + "/tokenizer.model", dir + "/tokenizer.model");
    std::string quantization;
    if (!dequantized && c.config_in_own_file)
        test::write_text(dir + "/quantize_config.json", quantize_config(c));
    else if (!dequantized)
        quantization = ", \"quantization_config\": " + quantize_config(c);
    test::write_text(dir + "/config.json", config_json(quantization));
}

// GGUF row r of Q or K is Hugging Face row rope_src(r) (independently of the
// converter: GGUF pairs (2i, 2i+1) are Hugging Face's (i, i + hd/2)).
int64_t rope_src(int64_t r) {
    const int64_t h = r / HD, i = (r % HD) / 2, j = r % 2;
    return h * HD + j * (HD / 2) + i;
}

// The stored order of a layer's inputs: by group, in input order within one.
std::vector<int32_t> group_order(const quant_layer &l) {
    std::vector<int32_t> order(static_cast<size_t>(l.K));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int32_t a, int32_t b) { return l.g_idx[size_t(a)] < l.g_idx[size_t(b)]; });
    return order;
}

std::vector<int32_t> i32_values(const gguf_tensor *t) {
    std::vector<int32_t> v(t->size / 4);
    std::memcpy(v.data(), t->data, t->size);
    return v;
}

class GptqImport : public ::testing::TestWithParam<gptq_case> {};

TEST_P(GptqImport, WeightsAreExactAndLogitsMatchTheDequantizedModel) {
    const gptq_case &c = GetParam();
    const small_model m = make_model(c, 42);
    test::temp_dir dir;
    write_model(m, c, false, dir.file("gptq"));
    write_model(m, c, true, dir.file("float"));
    std::string error;
    ASSERT_TRUE(
        test::convert_hf(dir.file("gptq"), convert::out_type::F32, dir.file("q.gguf"), &error))
        << error;
    ASSERT_TRUE(
        test::convert_hf(dir.file("float"), convert::out_type::F32, dir.file("f.gguf"), &error))
        << error;
    auto f = test::open_gguf(dir.file("q.gguf"));
    ASSERT_NE(f, nullptr);
    // groups of 128 (or whole rows) take the 128-weight blocks, as many bits
    // a weight as GPTQ's, in the layers whose inputs are a multiple of 128
    const bool large = c.group_size == 128 || c.group_size == -1;
    const auto want_type = [&](int64_t K) {
        const bool fits = large && K % 128 == 0;
        switch (c.bits) {
        case 2: return fits ? GGML_TYPE_Q2_Z128 : GGML_TYPE_Q2_Z;
        case 3: return fits ? GGML_TYPE_Q3_Z128 : GGML_TYPE_Q3_Z;
        default: return fits ? GGML_TYPE_Q4_Z128 : GGML_TYPE_Q4_Z;
        }
    };
    // config.json's hyperparameters, GQA and RoPE base included
    std::string e;
    EXPECT_EQ(gguf_get_float(*f, "llama.rope.freq_base", &e), 500000.0);
    EXPECT_EQ(gguf_get_float(*f, "llama.attention.layer_norm_rms_epsilon", &e), double(1e-6f));
    EXPECT_EQ(gguf_get_uint(*f, "llama.context_length", &e), 256u);
    EXPECT_EQ(gguf_get_uint(*f, "llama.attention.head_count_kv", &e), 2u);
    // file_type.cpp's ids: Q4_Z 2048, Q3_Z 2049, the 128 forms 2050 and 2051,
    // Q2_Z 2052, Q2_Z128 2053
    const uint64_t want_file_type =
        c.bits == 2 ? (large ? 2053u : 2052u) : (c.bits == 3 ? 2049u : 2048u) + (large ? 2u : 0u);
    EXPECT_EQ(gguf_get_uint(*f, "general.file_type", &e), want_file_type);
    EXPECT_EQ(f->find_tensor("output.weight"), nullptr); // tied to the embedding

    for (int64_t il = 0; il < LAYERS; il++) {
        const std::string p = "blk." + std::to_string(il) + ".";
        const std::vector<quant_layer> &ls = m.layers[size_t(il)];
        // ffn_down's input order travels in the rows of ffn_gate and ffn_up
        const std::vector<int32_t> down_order = group_order(ls[6]);
        for (int i = 0; i < 7; i++) {
            const quant_layer &l = ls[size_t(i)];
            const std::string name = p + GGUF_NAMES[i];
            const gguf_tensor *t = f->find_tensor(name + ".weight");
            ASSERT_NE(t, nullptr) << name;
            ASSERT_EQ(t->type, want_type(l.K)) << name;
            ASSERT_EQ(t->ne[0], l.K);
            ASSERT_EQ(t->ne[1], l.N);
            std::vector<int32_t> cols(static_cast<size_t>(l.K));
            std::iota(cols.begin(), cols.end(), 0);
            const gguf_tensor *perm = f->find_tensor(name + ".input_perm");
            const bool reordered = group_order(l) != cols;
            if (i == 6) {
                EXPECT_EQ(perm, nullptr) << name << ": folded into the gate and up rows";
                cols = down_order;
            } else if (reordered) {
                ASSERT_NE(perm, nullptr) << name;
                ASSERT_EQ(perm->type, GGML_TYPE_I32);
                cols = i32_values(perm);
                EXPECT_EQ(cols, group_order(l)) << name;
            } else {
                EXPECT_EQ(perm, nullptr) << name;
            }
            auto row_src = [&](int64_t r) -> int64_t {
                if (i <= 1) return rope_src(r);
                if (i == 4 || i == 5) return down_order[size_t(r)];
                return r;
            };
            std::vector<float> row(static_cast<size_t>(l.K));
            const size_t row_bytes = ggml_row_size(t->type, l.K);
            int64_t mismatches = 0;
            for (int64_t r = 0; r < l.N; r++) {
                ggml_dequantize_row(t->type, static_cast<const uint8_t *>(t->data) + r * row_bytes,
                                    row.data(), l.K);
                for (int64_t j = 0; j < l.K; j++)
                    if (row[size_t(j)] != l.w(row_src(r), cols[size_t(j)]) && mismatches++ < 3)
                        ADD_FAILURE()
                            << name << " row " << r << " col " << j << ": " << row[size_t(j)]
                            << " != " << l.w(row_src(r), cols[size_t(j)]);
            }
            EXPECT_EQ(mismatches, 0) << name;
            const gguf_tensor *bias = f->find_tensor(name + ".bias");
            ASSERT_EQ(bias != nullptr, c.bias) << name;
            if (bias) {
                ASSERT_EQ(bias->type, GGML_TYPE_F32);
                const auto *b = static_cast<const float *>(bias->data);
                for (int64_t r = 0; r < l.N; r++)
                    ASSERT_EQ(b[r], l.bias[size_t(row_src(r))]) << name;
            }
        }
        // q, k and v share their order (act-order gave them one permutation)
        if (const gguf_tensor *q = f->find_tensor(p + "attn_q.input_perm")) {
            for (const char *other : {"attn_k.input_perm", "attn_v.input_perm"}) {
                const gguf_tensor *t = f->find_tensor(p + other);
                ASSERT_NE(t, nullptr) << p + other;
                EXPECT_EQ(i32_values(q), i32_values(t)) << p + other;
            }
        }
    }

    // logits: our model against the float model of the dequantized weights
    const std::vector<int32_t> tokens = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315};
    test::dequantize_gguf(dir.file("q.gguf"), dir.file("dq.gguf"));
    const std::vector<float> want = test::model_logits(dir.file("f.gguf"), tokens);
    ASSERT_FALSE(want.empty());
    double scale = 0.0;
    for (float x : want) scale = std::max(scale, std::fabs(double(x)));
    const double float_err =
        test::max_abs_diff(test::model_logits(dir.file("dq.gguf"), tokens), want);
    const double q8_err = test::max_abs_diff(test::model_logits(dir.file("q.gguf"), tokens), want);
    std::printf("[ %s ] largest |logit| %.3g; error with F32 activations %.3g, with Q8_0 "
                "activations %.3g\n",
                c.label, scale, float_err, q8_err);
    EXPECT_LE(float_err, 1e-5 * (1.0 + scale)); // float rounding only
    EXPECT_LE(q8_err, 0.03 * (1.0 + scale));    // 8-bit activations
}

INSTANTIATE_TEST_SUITE_P(
    Settings, GptqImport,
    ::testing::Values(
        gptq_case{"q4_g32_v1_sym_actorder_f16_bias", 4, 32, false, true, true, "F16", true, false},
        gptq_case{"q4_g128_v2_asym_bf16", 4, 128, true, false, false, "BF16", false, true},
        gptq_case{"q4_rowwise_v1_asym_actorder", 4, -1, false, false, true, "F16", false, false},
        gptq_case{"q4_g64_v1_asym_actorder_f32_bias", 4, 64, false, false, true, "F32", true, true},
        gptq_case{"q3_g32_v2_sym_actorder_bf16_bias", 3, 32, true, true, true, "BF16", true, false},
        gptq_case{"q3_g128_v1_asym_actorder", 3, 128, false, false, true, "F16", false, true},
        gptq_case{"q3_rowwise_v2_asym_bias", 3, -1, true, false, false, "F16", true, false},
        gptq_case{"q2_g128_v1_asym_actorder", 2, 128, false, false, true, "F16", false, false},
        gptq_case{"q2_g32_v2_sym_bf16", 2, 32, true, true, false, "BF16", false, true}),
    [](const auto &info) { return std::string(info.param.label); });

// ------------------------------------------------------------------ refusals

// What the conversion says about the base checkpoint with its config.json
// and its integers edited.
std::string error_for(const gptq_case &c,
                      const std::function<void(std::string &config)> &edit_config,
                      const std::function<void(small_model &)> &edit_model = {}) {
    test::temp_dir dir;
    small_model m = make_model(c, 7);
    if (edit_model) edit_model(m);
    write_model(m, c, false, dir.file("m"));
    std::string config = test::read_text(dir.file("m/config.json"));
    edit_config(config);
    test::write_text(dir.file("m/config.json"), config);
    std::string error;
    EXPECT_FALSE(
        test::convert_hf(dir.file("m"), convert::out_type::F32, dir.file("x.gguf"), &error));
    return error;
}

TEST(GptqImport, RefusesUnsupportedSettingsNamingThem) {
    const gptq_case c{"base", 4, 32, false, true, true, "F16", false, false};
    const std::vector<std::pair<std::function<void(std::string &)>, std::string>> cases = {
        {[](std::string &s) { test::replace(s, "\"bits\": 4", "\"bits\": 1"); },
         "config.json quantization_config: bits 1 is not supported"},
        {[](std::string &s) { test::replace(s, "\"bits\": 4", "\"bits\": 8"); },
         "bits 8 is not supported"},
        {[](std::string &s) { test::replace(s, "\"group_size\": 32", "\"group_size\": 16"); },
         "group_size 16 is not supported: it must be -1 or a multiple of 32"},
        {[](std::string &s) {
             test::replace(s, "\"group_size\": 32", "\"group_size\": 2147483648");
         },
         "group_size 2147483648 is not supported"},
        {[](std::string &s) {
             test::replace(s, "\"quant_method\": \"gptq\"", "\"quant_method\": \"awq\"");
         },
         "quant_method \"awq\" is not supported (only \"gptq\")"},
        {[](std::string &s) {
             test::replace(s, "\"checkpoint_format\": \"gptq\"",
                           "\"checkpoint_format\": \"marlin\"");
         },
         "checkpoint_format \"marlin\" is not supported (only \"gptq\" and \"gptq_v2\")"},
        {[](std::string &s) { test::replace(s, "\"bits\": 4", "\"bits\": \"4\""); },
         "\"bits\" is a string, not an integer"},
        {[](std::string &s) { test::replace(s, "\"group_size\": 32", "\"group_size\": 64"); },
         "tensor 'model.layers.0.self_attn.q_proj.scales' has shape [4, 128], expected [2, 128]"},
        {[](std::string &s) {
             test::replace(s, ", \"quantization_config\"", ", \"no_quantization_config\"");
         },
         "'model.layers.0.self_attn.q_proj.qweight' is a GPTQ tensor, but neither"},
    };
    for (const auto &[edit, message] : cases) {
        const std::string error = error_for(c, edit);
        EXPECT_NE(error.find(message), std::string::npos) << message << "\n  in: " << error;
    }
}

TEST(GptqImport, RefusesCheckpointsItCannotImportExactly) {
    const gptq_case c{"base", 4, 32, false, false, true, "F32", false, false};
    const auto keep = [](std::string &) {};
    const std::vector<std::pair<std::function<void(small_model &)>, std::string>> cases = {
        {[](small_model &m) { m.layers[0][0].scales[5] = 0.0123456789f; },
         "model.safetensors: tensor 'model.layers.0.self_attn.q_proj.scales' has scale "
         "0.0123456791 (group 0, output 5), which fp16 cannot hold exactly"},
        {[](small_model &m) { // group 0 loses an input to group 1: 31 and 33 inputs
             quant_layer &l = m.layers[1][3];
             *std::find(l.g_idx.begin(), l.g_idx.end(), 0) = 1;
         },
         "tensor 'model.layers.1.self_attn.o_proj.g_idx' puts a group boundary inside the 32 "
         "inputs from 0"},
        {[](small_model &m) { m.layers[0][6].g_idx[3] = 9; },
         "tensor 'model.layers.0.mlp.down_proj.g_idx' entry 3 is group 9; the layer has 5 groups"},
    };
    for (const auto &[edit, message] : cases) {
        const std::string error = error_for(c, keep, edit);
        EXPECT_NE(error.find(message), std::string::npos) << message << "\n  in: " << error;
    }
}

TEST(GptqImport, AnEmptyQweightOfHugeRowsIsRefusedBeforeItsSizeIsComputed) {
    // [2^62, 0] holds no data, so the safetensors reader accepts it; the
    // inputs it implies, 2^62 / 4 * 32, overflowed int64
    test::temp_dir dir;
    const std::string file = dir.file("model.safetensors");
    test::write_bytes(file, test::safetensors_bytes({{"l.qweight", "I32", {1ll << 62, 0}, {}},
                                                     {"l.qzeros", "I32", {1, 0}, {}},
                                                     {"l.scales", "F16", {1, 0}, {}}}));
    std::string error;
    const auto st = convert::safetensors_set::open_dir(dir.file(""), &error);
    ASSERT_NE(st, nullptr) << error;
    convert::gptq_linear l;
    EXPECT_FALSE(convert::gptq_linear::open(*st, "l", convert::gptq_config{}, &l, &error));
    EXPECT_EQ(error, file + ": tensor 'l.qweight' is empty (shape [4611686018427387904, 0])");
}

// ------------------------------------------------------------------ the real checkpoint

struct reference_logits {
    int32_t n = 0, vocab = 0;
    std::vector<int32_t> tokens;
    std::vector<float> logits;
};

reference_logits read_reference() {
    const std::vector<uint8_t> b = test::read_bytes(REAL + "/reference.bin");
    reference_logits r;
    EXPECT_GE(b.size(), 8u);
    if (b.size() < 8) return r;
    std::memcpy(&r.n, b.data(), 4);
    std::memcpy(&r.vocab, b.data() + 4, 4);
    r.tokens.resize(size_t(r.n));
    r.logits.resize(size_t(r.n) * size_t(r.vocab));
    EXPECT_EQ(b.size(), 8 + r.tokens.size() * 4 + r.logits.size() * 4);
    std::memcpy(r.tokens.data(), b.data() + 8, r.tokens.size() * 4);
    std::memcpy(r.logits.data(), b.data() + 8 + r.tokens.size() * 4, r.logits.size() * 4);
    return r;
}

// Our unpacking of a real checkpoint layer, written from the format
// description: q, zeros (v1: stored + 1), scales and g_idx from the file.
quant_layer read_real_layer(const convert::safetensors_set &st, const std::string &prefix) {
    const convert::st_tensor *qw = st.find(prefix + ".qweight"), *qz = st.find(prefix + ".qzeros"),
                             *sc = st.find(prefix + ".scales"), *gi = st.find(prefix + ".g_idx");
    quant_layer l;
    EXPECT_TRUE(qw && qz && sc && gi) << prefix;
    if (!(qw && qz && sc && gi)) return l;
    l.K = qw->shape[0] * 8;
    l.N = qw->shape[1];
    for (int64_t k = 0; k < l.K; k++)
        for (int64_t n = 0; n < l.N; n++)
            l.q.push_back(int((uint32_t(qw->get_i32((k / 8) * l.N + n)) >> (4 * (k % 8))) & 15));
    for (int64_t k = 0; k < l.K; k++) l.g_idx.push_back(gi->get_i32(k));
    const int64_t G = sc->shape[0];
    for (int64_t g = 0; g < G; g++) {
        std::vector<uint32_t> row;
        for (int64_t i = 0; i < qz->shape[1]; i++)
            row.push_back(uint32_t(qz->get_i32(g * qz->shape[1] + i)));
        for (int64_t n = 0; n < l.N; n++) {
            l.z.push_back(int(get_bits(row, 4 * n, 4)) + 1);
            l.scales.push_back(sc->get_float(g * l.N + n));
        }
    }
    return l;
}

TEST(GptqRealCheckpoint, ConvertsExactlyAndMatchesTheReferenceLogits) {
    test::temp_dir dir;
    std::string error;
    ASSERT_TRUE(test::convert_hf(REAL, convert::out_type::F32, dir.file("real.gguf"), &error))
        << error;
    auto f = test::open_gguf(dir.file("real.gguf"));
    auto st = convert::safetensors_set::open_dir(REAL, &error);
    ASSERT_TRUE(f && st) << error;

    // every quantized layer, weight by weight
    int quantized = 0;
    for (int il = 0; il < 5; il++) {
        for (int i = 0; i < 4; i++) {
            const std::string hf = "model.layers." + std::to_string(il) + "." + LINEARS[i];
            const std::string name = "blk." + std::to_string(il) + "." + GGUF_NAMES[i];
            const quant_layer l = read_real_layer(*st, hf);
            const gguf_tensor *t = f->find_tensor(name + ".weight");
            const gguf_tensor *perm = f->find_tensor(name + ".input_perm");
            ASSERT_TRUE(t && perm) << name; // act-order: every layer has a perm
            ASSERT_EQ(t->type, GGML_TYPE_Q4_Z);
            const std::vector<int32_t> cols = i32_values(perm);
            std::vector<float> row(static_cast<size_t>(l.K));
            for (int64_t r = 0; r < l.N; r++) {
                ggml_dequantize_row(t->type,
                                    static_cast<const uint8_t *>(t->data) +
                                        r * ggml_row_size(t->type, l.K),
                                    row.data(), l.K);
                const int64_t src =
                    i <= 1 ? (r / 8) * 8 + (r % 2) * 4 + (r % 8) / 2 : r; // head size 8
                for (int64_t j = 0; j < l.K; j++)
                    ASSERT_EQ(row[size_t(j)], l.w(src, cols[size_t(j)]))
                        << name << " " << r << " " << j;
            }
            quantized++;
        }
        // the MLP stays float: F32 holds its fp16 values
        EXPECT_EQ(f->find_tensor("blk." + std::to_string(il) + ".ffn_up.weight")->type,
                  GGML_TYPE_F32);
    }
    EXPECT_EQ(quantized, 20);

    // q, k and v got one perm (one input, one Hessian): the graph gathers the
    // attention input once per layer, and the attention output once
    std::unique_ptr<llama_model> model(llama_model_load(dir.file("real.gguf").c_str()));
    ASSERT_NE(model, nullptr) << llama_last_error();
    EXPECT_EQ(model->layers[0].wq.input_perm, model->layers[0].wk.input_perm);
    EXPECT_EQ(model->layers[0].wq.input_perm, model->layers[0].wv.input_perm);
    kv_cache kv;
    std::string kv_error;
    ASSERT_TRUE(kv.init(model->hp, 16, GGML_TYPE_F32, &kv_error)) << kv_error;
    ggml_context *gctx = ggml_init({64 << 20, nullptr, true});
    const forward_graph fg = build_forward(gctx, *model, kv, 4, true);
    int gathers = 0;
    for (int i = 0; i < ggml_graph_n_nodes(fg.graph); i++)
        gathers += ggml_graph_node(fg.graph, i)->op == GGML_OP_GET_COLS;
    EXPECT_EQ(gathers, 2 * 5);
    ggml_free(gctx);

    // logits against the float64 reference of the exactly dequantized checkpoint
    const reference_logits ref = read_reference();
    ASSERT_EQ(ref.vocab, 512);
    test::dequantize_gguf(dir.file("real.gguf"), dir.file("real-f32.gguf"));
    const double q8_err =
        test::max_abs_diff(test::model_logits(dir.file("real.gguf"), ref.tokens), ref.logits);
    const double f32_err =
        test::max_abs_diff(test::model_logits(dir.file("real-f32.gguf"), ref.tokens), ref.logits);
    std::printf("[ stories260K GPTQ ] largest logit error vs reference.bin: %.3g with Q8_0 "
                "activations, %.3g with F32 activations (largest |logit| 20.9)\n",
                q8_err, f32_err);
    EXPECT_LE(f32_err, 1e-3);
    EXPECT_LE(q8_err, 0.25);
}

// The loader's error for the converted real checkpoint with one tensor
// replaced by (type, values).
std::string load_error_with(const std::string &name, ggml_type type,
                            const std::vector<int32_t> &values) {
    test::temp_dir dir;
    std::string error;
    EXPECT_TRUE(test::convert_hf(REAL, convert::out_type::F32, dir.file("real.gguf"), &error))
        << error;
    auto f = test::open_gguf(dir.file("real.gguf"));
    if (!f) return "";
    gguf_writer w;
    for (const gguf_kv &kv : f->metadata()) w.set(kv.key, kv.value);
    for (const gguf_tensor &t : f->tensors()) {
        if (t.name != name) {
            w.add_tensor(t.name, t.type, t.n_dims, t.ne, t.data);
            continue;
        }
        const int64_t n = int64_t(values.size());
        w.add_tensor(t.name, type, 1, &n, values.data());
    }
    EXPECT_TRUE(w.write(dir.file("bad.gguf"), &error)) << error;
    llama_model *model = llama_model_load(dir.file("bad.gguf").c_str());
    EXPECT_EQ(model, nullptr);
    llama_model_free(model);
    return llama_last_error();
}

TEST(GptqRealCheckpoint, LoaderRefusesBrokenPermutations) {
    std::vector<int32_t> perm(64);
    std::iota(perm.begin(), perm.end(), 0);
    perm[5] = 7; // 7 twice, 5 never
    std::string error = load_error_with("blk.2.attn_output.input_perm", GGML_TYPE_I32, perm);
    EXPECT_NE(error.find("tensor 'blk.2.attn_output.input_perm' is not a permutation of 0..63 "
                         "(element 7 is 7)"),
              std::string::npos)
        << error;
    perm[5] = 64; // outside the inputs
    error = load_error_with("blk.2.attn_output.input_perm", GGML_TYPE_I32, perm);
    EXPECT_NE(error.find("(element 5 is 64)"), std::string::npos) << error;
    error = load_error_with("blk.0.attn_q.input_perm", GGML_TYPE_I32, std::vector<int32_t>(32, 0));
    EXPECT_NE(error.find("tensor 'blk.0.attn_q.input_perm' must be I32 [64], not I32 [32]"),
              std::string::npos)
        << error;
}

#ifdef LLAMAZ_CONVERT_EXE

TEST(GptqRealCheckpoint, ConvertToolTakesTheFolderAsItIs) {
    test::temp_dir dir;
    const std::string out = dir.file("real.gguf"), log = dir.file("log.txt");
    const int status = std::system(
        (std::string(LLAMAZ_CONVERT_EXE) + " --hf " + REAL + " -o " + out + " > " + log + " 2>&1")
            .c_str());
    const std::string output = test::read_text(log);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
    EXPECT_NE(output.find("GPTQ 4-bit, group size 32 (to Q4_Z)"), std::string::npos) << output;
    std::string error;
    EXPECT_TRUE(test::convert_hf(REAL, convert::out_type::F32, dir.file("lib.gguf"), &error))
        << error;
    // the tool names the model after the folder; the tensors are the library's
    auto a = test::open_gguf(out), b = test::open_gguf(dir.file("lib.gguf"));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(gguf_get_string(*a, "general.name", &error), "stories260K-gptq-4bit-g32-actorder");
    ASSERT_EQ(a->tensors().size(), b->tensors().size());
    for (size_t i = 0; i < a->tensors().size(); i++)
        EXPECT_EQ(std::memcmp(a->tensors()[i].data, b->tensors()[i].data, a->tensors()[i].size), 0);
}

#endif

} // namespace
