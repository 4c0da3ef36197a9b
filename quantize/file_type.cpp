#include "file_type.h"

namespace quantize {

namespace {

constexpr file_type FILE_TYPES[] = {
    {GGML_TYPE_F32, 0, "llama.cpp's ALL_F32"},
    {GGML_TYPE_F16, 1, "llama.cpp's MOSTLY_F16"},
    {GGML_TYPE_Q8_0, 7, "llama.cpp's MOSTLY_Q8_0"},
    {GGML_TYPE_Q4_0, 2, "llama.cpp's MOSTLY_Q4_0"},
    {GGML_TYPE_Q4_1, 3, "llama.cpp's MOSTLY_Q4_1"},
    // Ours. llama.cpp reads bit 10 (1024, LLAMA_FTYPE_GUESSED) as a flag, so
    // 1024 and 1025 would show there as "all F32 (guessed)" and "F16
    // (guessed)". 2048 and up have that bit clear and lie far above
    // llama.cpp's ids (below 64), which it calls "unknown".
    {GGML_TYPE_Q4_Z, 2048, "ours: 4-bit, integer zero point"},
    {GGML_TYPE_Q3_Z, 2049, "ours: 3-bit, integer zero point"},
};

} // namespace

std::span<const file_type> file_types() { return FILE_TYPES; }

std::optional<uint32_t> file_type_of(ggml_type type) {
    for (const file_type &f : FILE_TYPES)
        if (f.type == type) return f.id;
    return std::nullopt;
}

std::optional<ggml_type> file_type_from_name(const std::string &name) {
    ggml_type type;
    if (!ggml_type_from_name(name.c_str(), &type) || !file_type_of(type)) return std::nullopt;
    return type;
}

std::string file_type_names() {
    std::string names;
    for (const file_type &f : FILE_TYPES)
        names += (names.empty() ? "" : ", ") + std::string(ggml_type_name(f.type));
    return names;
}

} // namespace quantize
