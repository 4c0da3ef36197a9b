// The type-traits table: one row per format. A new format needs a row here,
// its block header, reference and kernel files, and the other places
// docs/architecture.md lists (section Formats).
#include "formats/traits.h"

#include "formats/kernels.h"
#include "formats/row_groups.h"

#include "float/blocks.h"
#include "iq4/blocks.h"
#include "k/blocks.h"
#include "q2/blocks.h"
#include "q3/blocks.h"
#include "q4/blocks.h"
#include "q5/blocks.h"
#include "q8/blocks.h"

#include "internal.h"

#include <array>
#include <cstring>
#include <strings.h>

namespace ggml {

namespace {

// The scalar level's gemm over row groups: rows unpacked, then the reference.
template <ggml_type T>
void gemm_scalar(int64_t n, float *s, size_t bs, const void *x, size_t bx, int ng, const void *y,
                 size_t by, int ny) {
    gemm_by_rows(traits_of(T), n, s, bs, x, bx, ng, y, by, ny);
}

constexpr format_kernels f32_scalar{nullptr,        vec_dot_f32_ref, nullptr,
                                    attend_f32_ref, swiglu_f32_ref,  hadamard_mix_f32_ref};
constexpr format_kernels f16_scalar{nullptr, vec_dot_f16_ref, nullptr, attend_f16_ref};
constexpr format_kernels q8_0_scalar{nullptr, vec_dot_q8_0_q8_0_ref, gemm_scalar<GGML_TYPE_Q8_0>};
constexpr format_kernels q8_1_scalar{nullptr, nullptr, nullptr};
constexpr format_kernels q4_0_scalar{nullptr, vec_dot_q4_0_q8_0_ref, gemm_scalar<GGML_TYPE_Q4_0>};
constexpr format_kernels q4_1_scalar{nullptr, vec_dot_q4_1_q8_1_ref, gemm_scalar<GGML_TYPE_Q4_1>};
constexpr format_kernels q4_z_scalar{nullptr, vec_dot_q4_z_q8_0_ref, gemm_scalar<GGML_TYPE_Q4_Z>};
constexpr format_kernels q3_z_scalar{nullptr, vec_dot_q3_z_q8_0_ref, gemm_scalar<GGML_TYPE_Q3_Z>};
constexpr format_kernels q4_z128_scalar{nullptr, vec_dot_q4_z128_q8_0_ref,
                                        gemm_scalar<GGML_TYPE_Q4_Z128>};
constexpr format_kernels q3_z128_scalar{nullptr, vec_dot_q3_z128_q8_0_ref,
                                        gemm_scalar<GGML_TYPE_Q3_Z128>};
constexpr format_kernels q2_z_scalar{nullptr, vec_dot_q2_z_q8_0_ref, gemm_scalar<GGML_TYPE_Q2_Z>};
constexpr format_kernels q2_z128_scalar{nullptr, vec_dot_q2_z128_q8_0_ref,
                                        gemm_scalar<GGML_TYPE_Q2_Z128>};
constexpr format_kernels bf16_scalar{nullptr, vec_dot_bf16_f32_ref, nullptr};
constexpr format_kernels q5_0_scalar{nullptr, vec_dot_q5_0_q8_0_ref, gemm_scalar<GGML_TYPE_Q5_0>};
constexpr format_kernels q5_1_scalar{nullptr, vec_dot_q5_1_q8_1_ref, gemm_scalar<GGML_TYPE_Q5_1>};
constexpr format_kernels q2_k_scalar{nullptr, vec_dot_q2_K_q8_K_ref, gemm_scalar<GGML_TYPE_Q2_K>};
constexpr format_kernels q3_k_scalar{nullptr, vec_dot_q3_K_q8_K_ref, gemm_scalar<GGML_TYPE_Q3_K>};
constexpr format_kernels q4_k_scalar{nullptr, vec_dot_q4_K_q8_K_ref, gemm_scalar<GGML_TYPE_Q4_K>};
constexpr format_kernels q5_k_scalar{nullptr, vec_dot_q5_K_q8_K_ref, gemm_scalar<GGML_TYPE_Q5_K>};
constexpr format_kernels q6_k_scalar{nullptr, vec_dot_q6_K_q8_K_ref, gemm_scalar<GGML_TYPE_Q6_K>};
constexpr format_kernels q8_k_scalar{nullptr, nullptr, nullptr};
constexpr format_kernels iq4_nl_scalar{nullptr, vec_dot_iq4_nl_q8_0_ref,
                                       gemm_scalar<GGML_TYPE_IQ4_NL>};
constexpr format_kernels iq4_xs_scalar{nullptr, vec_dot_iq4_xs_q8_K_ref,
                                       gemm_scalar<GGML_TYPE_IQ4_XS>};

// Group layouts (formats/row_groups.h): {payload offset, payload bytes,
// {header field sizes}}.
constexpr group_layout not_grouped{0, 0, {}};
constexpr group_layout q4_0_group{2, 16, {2}};       // d | qs
constexpr group_layout q4_1_group{4, 16, {2, 2}};    // d, m | qs
constexpr group_layout q8_0_group{2, 32, {2}};       // d | qs
constexpr group_layout q4_z_group{3, 16, {2, 1}};    // d, z | qs
constexpr group_layout q3_z_group{3, 12, {2, 1}};    // d, z | ql, qh
constexpr group_layout q4_z128_group{3, 64, {2, 1}}; // d, z | 4 x qs
constexpr group_layout q3_z128_group{3, 48, {2, 1}}; // d, z | 4 x (ql, qh)
constexpr group_layout q2_z_group{3, 8, {2, 1}};     // d, z | qs
constexpr group_layout q2_z128_group{3, 32, {2, 1}}; // d, z | 4 x qs
constexpr group_layout q5_0_group{6, 16, {2, 4}};    // d, qh | qs
constexpr group_layout q5_1_group{8, 16, {2, 2, 4}}; // d, m, qh | qs
constexpr group_layout iq4_nl_group{2, 16, {2}};     // d | qs
// The K-quants interleave their packed scales with the quants (a unit of 4
// scale bytes per row in one 32-bit lane, as k/x86_codecs.h decodes them).
constexpr group_layout q2_k_group{0, 80, {2, 2}};    // scales, qs | d, dmin
constexpr group_layout q3_k_group{0, 108, {2}};      // hmask, qs, scales | d
constexpr group_layout q4_k_group{4, 140, {2, 2}};   // d, dmin | scales, qs
constexpr group_layout q5_k_group{4, 172, {2, 2}};   // d, dmin | scales, qh, qs
constexpr group_layout q6_k_group{0, 208, {2}};      // ql, qh, scales | d
constexpr group_layout iq4_xs_group{4, 132, {2, 2}}; // d, scales_h | scales_l, qs

// Element levels {count, set_level, level_line} of the formats whose values
// are a line in their level (traits.h: element_levels).
constexpr element_levels q4_0_levels{16, set_level_q4_0, level_line_q4_0};
constexpr element_levels q4_1_levels{16, set_level_q4_1, level_line_q4_1};
constexpr element_levels q5_0_levels{32, set_level_q5_0, level_line_q5_0};
constexpr element_levels q5_1_levels{32, set_level_q5_1, level_line_q5_1};
constexpr element_levels q8_0_levels{256, set_level_q8_0, level_line_q8_0};
constexpr element_levels q2_k_levels{4, set_level_q2_K, level_line_q2_K};
constexpr element_levels q3_k_levels{8, set_level_q3_K, level_line_q3_K};
constexpr element_levels q4_k_levels{16, set_level_q4_K, level_line_q4_K};
constexpr element_levels q5_k_levels{32, set_level_q5_K, level_line_q5_K};
constexpr element_levels q6_k_levels{64, set_level_q6_K, level_line_q6_K};
constexpr element_levels q4_z_levels{16, set_level_q4_z, level_line_q4_z};
constexpr element_levels q3_z_levels{8, set_level_q3_z, level_line_q3_z};
constexpr element_levels q4_z128_levels{16, set_level_q4_z128, level_line_q4_z128};
constexpr element_levels q3_z128_levels{8, set_level_q3_z128, level_line_q3_z128};
constexpr element_levels q2_z_levels{4, set_level_q2_z, level_line_q2_z};
constexpr element_levels q2_z128_levels{4, set_level_q2_z128, level_line_q2_z128};

// The SIMD tables of a format per level, null where this build has no
// kernels of that architecture; then those of the levels' extensions
// (AVX512-VNNI, NEON dot product) for the formats with integer dot products.
#if defined(GGML_KERNELS_X86)
#define GGML_X86_KERNELS(f) &f##_avx2, &f##_avx512
#define GGML_X86_EXT_KERNELS(f) &f##_avx512_vnni
#else
#define GGML_X86_KERNELS(f) nullptr, nullptr
#define GGML_X86_EXT_KERNELS(f) nullptr
#endif
#if defined(GGML_KERNELS_NEON)
#define GGML_NEON_KERNELS(f) &f##_neon
#define GGML_NEON_EXT_KERNELS(f) &f##_neon_dotprod
#else
#define GGML_NEON_KERNELS(f) nullptr
#define GGML_NEON_EXT_KERNELS(f) nullptr
#endif
#define GGML_KERNELS(f)                                                                            \
    {&f##_scalar, GGML_X86_KERNELS(f), GGML_NEON_KERNELS(f)}, {                                    \
        nullptr, nullptr, GGML_X86_EXT_KERNELS(f), GGML_NEON_EXT_KERNELS(f)                        \
    }
#define GGML_KERNELS_NO_EXT(f)                                                                     \
    {&f##_scalar, GGML_X86_KERNELS(f), GGML_NEON_KERNELS(f)}, {}
// Formats with x86 kernels only (Q8_K's quantizer; NEON takes the scalar one).
#define GGML_X86_ONLY_KERNELS(f)                                                                   \
    {&f##_scalar, GGML_X86_KERNELS(f), nullptr}, {}

// Per row: kernels for scalar, avx2, avx512, neon.
constexpr format_traits table[] = {
    {GGML_TYPE_F32, "F32", 1, 4, false, GGML_TYPE_F32, quantize_row_f32_ref, dequantize_row_f32,
     not_grouped, GGML_KERNELS_NO_EXT(f32)},
    {GGML_TYPE_F16, "F16", 1, 2, false, GGML_TYPE_F16, quantize_row_f16_ref, dequantize_row_f16,
     not_grouped, GGML_KERNELS_NO_EXT(f16)},
    {GGML_TYPE_BF16, "BF16", 1, 2, false, GGML_TYPE_F32, quantize_row_bf16_ref, dequantize_row_bf16,
     not_grouped, GGML_KERNELS_NO_EXT(bf16)},
    {GGML_TYPE_Q4_0, "Q4_0", QK4, sizeof(block_q4_0), true, GGML_TYPE_Q8_0, quantize_row_q4_0_ref,
     dequantize_row_q4_0, q4_0_group, GGML_KERNELS(q4_0), quantize_row_q4_0_weighted, q4_0_levels},
    {GGML_TYPE_Q4_1, "Q4_1", QK4, sizeof(block_q4_1), true, GGML_TYPE_Q8_1, quantize_row_q4_1_ref,
     dequantize_row_q4_1, q4_1_group, GGML_KERNELS(q4_1), nullptr, q4_1_levels},
    {GGML_TYPE_Q5_0, "Q5_0", QK5, sizeof(block_q5_0), true, GGML_TYPE_Q8_0, quantize_row_q5_0_ref,
     dequantize_row_q5_0, q5_0_group, GGML_KERNELS(q5_0), quantize_row_q5_0_weighted, q5_0_levels},
    {GGML_TYPE_Q5_1, "Q5_1", QK5, sizeof(block_q5_1), true, GGML_TYPE_Q8_1, quantize_row_q5_1_ref,
     dequantize_row_q5_1, q5_1_group, GGML_KERNELS(q5_1), nullptr, q5_1_levels},
    {GGML_TYPE_Q8_0, "Q8_0", QK8, sizeof(block_q8_0), true, GGML_TYPE_Q8_0, quantize_row_q8_0_ref,
     dequantize_row_q8_0, q8_0_group, GGML_KERNELS(q8_0), nullptr, q8_0_levels},
    {GGML_TYPE_Q8_1, "Q8_1", QK8, sizeof(block_q8_1), true, GGML_TYPE_Q8_1, quantize_row_q8_1_ref,
     dequantize_row_q8_1, not_grouped, GGML_KERNELS_NO_EXT(q8_1)},
    {GGML_TYPE_Q2_K, "Q2_K", QK_K, sizeof(block_q2_K), true, GGML_TYPE_Q8_K, quantize_row_q2_K_ref,
     dequantize_row_q2_K, q2_k_group, GGML_KERNELS(q2_k), nullptr, q2_k_levels},
    {GGML_TYPE_Q3_K, "Q3_K", QK_K, sizeof(block_q3_K), true, GGML_TYPE_Q8_K, quantize_row_q3_K_ref,
     dequantize_row_q3_K, q3_k_group, GGML_KERNELS(q3_k), nullptr, q3_k_levels},
    {GGML_TYPE_Q4_K, "Q4_K", QK_K, sizeof(block_q4_K), true, GGML_TYPE_Q8_K, quantize_row_q4_K_ref,
     dequantize_row_q4_K, q4_k_group, GGML_KERNELS(q4_k), quantize_row_q4_K_weighted, q4_k_levels},
    {GGML_TYPE_Q5_K, "Q5_K", QK_K, sizeof(block_q5_K), true, GGML_TYPE_Q8_K, quantize_row_q5_K_ref,
     dequantize_row_q5_K, q5_k_group, GGML_KERNELS(q5_k), quantize_row_q5_K_weighted, q5_k_levels},
    {GGML_TYPE_Q6_K, "Q6_K", QK_K, sizeof(block_q6_K), true, GGML_TYPE_Q8_K, quantize_row_q6_K_ref,
     dequantize_row_q6_K, q6_k_group, GGML_KERNELS(q6_k), quantize_row_q6_K_weighted, q6_k_levels},
    {GGML_TYPE_Q8_K, "Q8_K", QK_K, sizeof(block_q8_K), true, GGML_TYPE_Q8_K, quantize_row_q8_K_ref,
     dequantize_row_q8_K, not_grouped, GGML_X86_ONLY_KERNELS(q8_k)},
    {GGML_TYPE_IQ4_NL, "IQ4_NL", QK4_NL, sizeof(block_iq4_nl), true, GGML_TYPE_Q8_0,
     quantize_row_iq4_nl_ref, dequantize_row_iq4_nl, iq4_nl_group, GGML_KERNELS(iq4_nl)},
    {GGML_TYPE_IQ4_XS, "IQ4_XS", QK_K, sizeof(block_iq4_xs), true, GGML_TYPE_Q8_K,
     quantize_row_iq4_xs_ref, dequantize_row_iq4_xs, iq4_xs_group, GGML_KERNELS(iq4_xs)},
    {GGML_TYPE_I32,
     "I32",
     1,
     4,
     false,
     GGML_TYPE_I32,
     nullptr,
     nullptr,
     not_grouped,
     {nullptr, nullptr, nullptr, nullptr},
     {}},
    {GGML_TYPE_Q4_Z, "Q4_Z", QK4, sizeof(block_q4_z), true, GGML_TYPE_Q8_0, quantize_row_q4_z_ref,
     dequantize_row_q4_z, q4_z_group, GGML_KERNELS(q4_z), quantize_row_q4_z_weighted, q4_z_levels},
    {GGML_TYPE_Q3_Z, "Q3_Z", QK3, sizeof(block_q3_z), true, GGML_TYPE_Q8_0, quantize_row_q3_z_ref,
     dequantize_row_q3_z, q3_z_group, GGML_KERNELS(q3_z), quantize_row_q3_z_weighted, q3_z_levels},
    {GGML_TYPE_Q4_Z128, "Q4_Z128", QK4_Z128, sizeof(block_q4_z128), true, GGML_TYPE_Q8_0,
     quantize_row_q4_z128_ref, dequantize_row_q4_z128, q4_z128_group, GGML_KERNELS(q4_z128),
     quantize_row_q4_z128_weighted, q4_z128_levels},
    {GGML_TYPE_Q3_Z128, "Q3_Z128", QK3_Z128, sizeof(block_q3_z128), true, GGML_TYPE_Q8_0,
     quantize_row_q3_z128_ref, dequantize_row_q3_z128, q3_z128_group, GGML_KERNELS(q3_z128),
     quantize_row_q3_z128_weighted, q3_z128_levels},
    {GGML_TYPE_Q2_Z, "Q2_Z", QK2, sizeof(block_q2_z), true, GGML_TYPE_Q8_0, quantize_row_q2_z_ref,
     dequantize_row_q2_z, q2_z_group, GGML_KERNELS(q2_z), quantize_row_q2_z_weighted, q2_z_levels},
    {GGML_TYPE_Q2_Z128, "Q2_Z128", QK2_Z128, sizeof(block_q2_z128), true, GGML_TYPE_Q8_0,
     quantize_row_q2_z128_ref, dequantize_row_q2_z128, q2_z128_group, GGML_KERNELS(q2_z128),
     quantize_row_q2_z128_weighted, q2_z128_levels},
};
constexpr int n_types = int(std::size(table));

const format_traits *find(uint32_t type) {
    for (const auto &row : table)
        if (uint32_t(row.type) == type) return &row;
    return nullptr;
}

int index_of(ggml_type type) {
    const format_traits *row = find(uint32_t(type));
    GGML_ASSERT(row != nullptr, "unknown tensor type %u", unsigned(type));
    return int(row - table);
}

std::array<active_kernels, n_types> active;

} // namespace

const format_traits &traits_of(ggml_type type) { return table[index_of(type)]; }

const active_kernels &kernels_of(ggml_type type) {
    ensure_kernels_selected();
    return active[index_of(type)];
}

void select_kernels(ggml_cpu_level level) {
    for (int i = 0; i < n_types; i++) {
        const format_traits &row = table[i];
        const format_kernels *scalar = row.kernels[GGML_CPU_SCALAR];
        const format_kernels *chosen = row.kernels[level];
        if (row.kernels_ext[level] && cpu_has_extension(level)) chosen = row.kernels_ext[level];
        active_kernels k{row.quantize_row_ref, nullptr, nullptr, nullptr, nullptr, nullptr};
        if (scalar) {
            k.vec_dot = scalar->vec_dot;
            k.gemm = scalar->gemm;
            k.attend = scalar->attend;
            k.swiglu = scalar->swiglu;
            k.hadamard_mix = scalar->hadamard_mix;
        }
        if (chosen) {
            if (chosen->quantize_row) k.quantize_row = chosen->quantize_row;
            if (chosen->vec_dot) k.vec_dot = chosen->vec_dot;
            if (chosen->gemm) k.gemm = chosen->gemm;
            if (chosen->attend) k.attend = chosen->attend;
            if (chosen->swiglu) k.swiglu = chosen->swiglu;
            if (chosen->hadamard_mix) k.hadamard_mix = chosen->hadamard_mix;
        }
        active[i] = k;
    }
}

} // namespace ggml

using namespace ggml;

bool ggml_type_is_valid(uint32_t type) { return find(type) != nullptr; }

size_t ggml_types(ggml_type *types, size_t max) {
    for (size_t i = 0; i < max && i < size_t(n_types); i++) types[i] = table[i].type;
    return size_t(n_types);
}

const char *ggml_type_name(ggml_type type) {
    const format_traits *row = find(uint32_t(type));
    return row ? row->name : nullptr;
}

bool ggml_type_from_name(const char *name, ggml_type *type) {
    for (const auto &row : table) {
        if (strcasecmp(row.name, name) == 0) {
            *type = row.type;
            return true;
        }
    }
    return false;
}

int64_t ggml_blck_size(ggml_type type) { return traits_of(type).blck_size; }
size_t ggml_type_size(ggml_type type) { return traits_of(type).type_size; }
bool ggml_is_quantized(ggml_type type) { return traits_of(type).is_quantized; }
bool ggml_is_weight_type(ggml_type type) {
    const format_kernels *scalar = traits_of(type).kernels[GGML_CPU_SCALAR];
    return scalar && scalar->vec_dot;
}
ggml_type ggml_vec_dot_type(ggml_type type) { return traits_of(type).vec_dot_type; }

size_t ggml_row_size(ggml_type type, int64_t ne) {
    const format_traits &t = traits_of(type);
    GGML_ASSERT(ne % t.blck_size == 0, "row of %lld elements does not fit %s blocks of %lld",
                (long long)ne, t.name, (long long)t.blck_size);
    return size_t(ne / t.blck_size) * t.type_size;
}

size_t ggml_quantize_rows(ggml_type type, const float *src, void *dst, int64_t nrows,
                          int64_t n_per_row) {
    const format_traits &t = traits_of(type);
    if (!t.quantize_row_ref || n_per_row % t.blck_size != 0) return 0;
    const size_t row_size = ggml_row_size(type, n_per_row);
    for (int64_t r = 0; r < nrows; r++)
        t.quantize_row_ref(src + r * n_per_row, static_cast<char *>(dst) + r * row_size, n_per_row);
    return row_size * size_t(nrows);
}

size_t ggml_quantize_rows_weighted(ggml_type type, const float *src, void *dst, int64_t nrows,
                                   int64_t n_per_row, const float *importance) {
    const format_traits &t = traits_of(type);
    if (!importance || !t.quantize_row_weighted)
        return ggml_quantize_rows(type, src, dst, nrows, n_per_row);
    if (n_per_row % t.blck_size != 0) return 0;
    const size_t row_size = ggml_row_size(type, n_per_row);
    for (int64_t r = 0; r < nrows; r++)
        t.quantize_row_weighted(src + r * n_per_row, static_cast<char *>(dst) + r * row_size,
                                n_per_row, importance);
    return row_size * size_t(nrows);
}

bool ggml_quantize_uses_importance(ggml_type type) {
    return traits_of(type).quantize_row_weighted != nullptr;
}

void ggml_dequantize_row(ggml_type type, const void *src, float *dst, int64_t n) {
    const format_traits &t = traits_of(type);
    GGML_ASSERT(t.dequantize_row != nullptr, "%s has no float form", t.name);
    GGML_ASSERT(n % t.blck_size == 0, "%lld elements do not fit %s blocks", (long long)n, t.name);
    t.dequantize_row(src, dst, n);
}
