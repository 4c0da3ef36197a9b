// The per-tensor types of the presets against llama.cpp's own expectations
// on the shapes of large models: the snapshot files of llama.cpp's
// test-quant-type-selection (tests/data/quants/llama.cpp-snapshots), which
// list per preset every weight whose type is not the preset's main one.
// Llama-3.1-70B exercises the layer rules over 80 layers, GQA 8 and the 70B
// rule; gemma-3-4b an embedding tied to the output.
#include "file_util.h"
#include "sections_file.h"
#include "type_fallback.h"
#include "type_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace {

struct snapshot_model {
    const char *file;
    quantize::model_shape shape;
    int64_t n_embd, n_ff;
};

// The weight matrices of a llama-like model in llama.cpp's order. Only the
// row lengths' divisibility matters (for fallbacks), and these models' all
// divide by 256.
std::vector<quantize::weight_matrix> weights_of(const snapshot_model &m) {
    std::vector<quantize::weight_matrix> w;
    if (m.shape.has_output) w.push_back({"output.weight", m.n_embd});
    w.push_back({"token_embd.weight", m.n_embd});
    for (int64_t l = 0; l < m.shape.n_layer; l++) {
        const std::string p = "blk." + std::to_string(l) + ".";
        for (const char *name :
             {"attn_k", "attn_output", "attn_q", "attn_v", "ffn_down", "ffn_gate", "ffn_up"})
            w.push_back(
                {p + name + ".weight", std::string(name) == "ffn_down" ? m.n_ff : m.n_embd});
    }
    return w;
}

std::string lower(std::string s) {
    for (char &c : s) c = char(std::tolower(c));
    return s;
}

class Snapshot : public ::testing::TestWithParam<snapshot_model> {};

TEST_P(Snapshot, EveryPresetGivesLlamaCppsTypes) {
    const snapshot_model &m = GetParam();
    const std::map<std::string, test::section> sections =
        test::read_sections(test::data(std::string("quants/llama.cpp-snapshots/") + m.file));
    const std::vector<quantize::weight_matrix> weights = weights_of(m);
    int n_checked = 0;
    for (const quantize::file_type &f : quantize::file_types()) {
        const auto s = sections.find(f.name);
        if (s == sections.end()) continue; // ours (Q4_Z, Q3_Z)
        n_checked++;
        // "[PRESET] main-type", then the weights of other types
        EXPECT_EQ(lower(s->second.value), lower(ggml_type_name(f.type))) << f.name;
        const std::map<std::string, std::string> others(s->second.lines.begin(),
                                                        s->second.lines.end());
        const std::vector<ggml_type> types = quantize::preset_types(f, m.shape, weights, false);
        ASSERT_EQ(types.size(), weights.size());
        for (size_t i = 0; i < weights.size(); i++) {
            const ggml_type t = llama::fallback_type(types[i], weights[i].ne0);
            const auto other = others.find(weights[i].name);
            const std::string want = other == others.end() ? s->second.value : other->second;
            EXPECT_EQ(lower(ggml_type_name(t)), lower(want)) << f.name << " " << weights[i].name;
        }
        for (const auto &[name, type] : others) {
            const bool known = std::any_of(weights.begin(), weights.end(),
                                           [&](const auto &w) { return w.name == name; });
            EXPECT_TRUE(known) << f.name << ": the snapshot names " << name;
        }
    }
    EXPECT_EQ(n_checked, 19) << "presets found in " << m.file;
}

INSTANTIATE_TEST_SUITE_P(
    Models, Snapshot,
    ::testing::Values(
        snapshot_model{
            "meta-llama-3.1-70b-instruct.schema", {"llama", 80, 64, 8, true}, 8192, 28672},
        snapshot_model{"gemma-3-4b-it.schema", {"gemma3", 34, 8, 4, false}, 2560, 10240}),
    [](const auto &info) { return std::string(info.param.shape.arch); });

} // namespace
