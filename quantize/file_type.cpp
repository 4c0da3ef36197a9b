#include "file_type.h"

#include <strings.h>

namespace quantize {

namespace {

// ids: llama.cpp's enum llama_ftype (llama.h)
constexpr file_type FILE_TYPES[] = {
    {"F32", GGML_TYPE_F32, 0, "llama.cpp's ALL_F32"},
    {"F16", GGML_TYPE_F16, 1, "llama.cpp's MOSTLY_F16"},
    {"BF16", GGML_TYPE_BF16, 32, "llama.cpp's MOSTLY_BF16"},
    {"Q8_0", GGML_TYPE_Q8_0, 7, "llama.cpp's MOSTLY_Q8_0"},
    {"Q6_K", GGML_TYPE_Q6_K, 18, "output Q6_K as in every mix"},
    {"Q5_K_M", GGML_TYPE_Q5_K, 17, "attn_v, ffn_down Q6_K in half the layers"},
    {"Q5_K_S", GGML_TYPE_Q5_K, 16, "output Q6_K only"},
    {"Q5_1", GGML_TYPE_Q5_1, 9, "llama.cpp's MOSTLY_Q5_1"},
    {"Q5_0", GGML_TYPE_Q5_0, 8, "llama.cpp's MOSTLY_Q5_0"},
    {"Q4_K_M", GGML_TYPE_Q4_K, 15, "attn_v, ffn_down Q6_K in half the layers"},
    {"Q4_K_S", GGML_TYPE_Q4_K, 14, "attn_v (4 layers), ffn_down (1/8) Q5_K"},
    {"Q4_1", GGML_TYPE_Q4_1, 3, "llama.cpp's MOSTLY_Q4_1"},
    {"Q4_0", GGML_TYPE_Q4_0, 2, "llama.cpp's MOSTLY_Q4_0"},
    {"IQ4_NL", GGML_TYPE_IQ4_NL, 25, "ffn_down (1/8), attn_v (GQA >= 4) Q5_K"},
    {"IQ4_XS", GGML_TYPE_IQ4_XS, 30, "ffn_down (1/8), attn_v (GQA >= 4) Q5_K"},
    {"Q3_K_L", GGML_TYPE_Q3_K, 13, "attn_v, attn_output, ffn_down Q5_K"},
    {"Q3_K_M", GGML_TYPE_Q3_K, 12, "attn_v, ffn_down Q5_K/Q4_K; attn_output Q4_K"},
    {"Q3_K_S", GGML_TYPE_Q3_K, 11, "output Q6_K only"},
    {"Q2_K", GGML_TYPE_Q2_K, 10, "attn_v Q3_K (Q4_K, GQA >= 4); attn_output, ffn_down Q3_K"},
    // Ours. llama.cpp reads bit 10 (1024, LLAMA_FTYPE_GUESSED) as a flag, so
    // 1024 and 1025 would show there as "all F32 (guessed)" and "F16
    // (guessed)". 2048 and up have that bit clear and lie far above
    // llama.cpp's ids (below 64), which it calls "unknown".
    {"Q4_Z", GGML_TYPE_Q4_Z, 2048, "ours: 4-bit, integer zero point"},
    {"Q3_Z", GGML_TYPE_Q3_Z, 2049, "ours: 3-bit, integer zero point"},
    {"Q4_Z128", GGML_TYPE_Q4_Z128, 2050, "ours: Q4_Z, one scale and zero per 128"},
    {"Q3_Z128", GGML_TYPE_Q3_Z128, 2051, "ours: Q3_Z, one scale and zero per 128"},
    {"Q2_Z", GGML_TYPE_Q2_Z, 2052, "ours: 2-bit, integer zero point"},
    {"Q2_Z128", GGML_TYPE_Q2_Z128, 2053, "ours: Q2_Z, one scale and zero per 128"},
};

// llama-quantize's names for the medium mixes
constexpr struct {
    const char *alias, *name;
} ALIASES[] = {{"Q3_K", "Q3_K_M"}, {"Q4_K", "Q4_K_M"}, {"Q5_K", "Q5_K_M"}};

const file_type *exactly_named(const char *name) {
    for (const file_type &f : FILE_TYPES)
        if (strcasecmp(f.name, name) == 0) return &f;
    return nullptr;
}

} // namespace

std::span<const file_type> file_types() { return FILE_TYPES; }

const file_type *file_type_named(const std::string &name) {
    for (const auto &a : ALIASES)
        if (strcasecmp(a.alias, name.c_str()) == 0) return exactly_named(a.name);
    return exactly_named(name.c_str());
}

std::optional<uint32_t> file_type_of(ggml_type type) {
    const file_type *f = exactly_named(ggml_type_name(type));
    if (!f) return std::nullopt;
    return f->id;
}

std::string file_type_names() {
    std::string names;
    for (const file_type &f : FILE_TYPES)
        names += (names.empty() ? "" : ", ") + std::string(f.name);
    return names;
}

} // namespace quantize
