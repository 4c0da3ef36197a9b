// The type-traits table: what the rest of ggml knows about a tensor format.
// Ops go through this table and never name a format; a new format is a row
// in registry.cpp and its kernels, but also touches the other places listed
// in docs/architecture.md (section Formats).
#pragma once

#include "ggml.h"

#include <cstddef>
#include <cstdint>

namespace ggml {

// Converts n floats (a multiple of the block size) to blocks.
using quantize_row_fn = void (*)(const float *x, void *y, int64_t n);
// As quantize_row_fn, with an importance w[i] >= 0 per element weighting the
// squared error the format's scale search minimises.
using quantize_row_weighted_fn = void (*)(const float *x, void *y, int64_t n, const float *w);
// Decodes n elements (a multiple of the block size) to floats.
using dequantize_row_fn = void (*)(const void *x, float *y, int64_t n);
// Sets element j of the row of blocks at x to level q, leaving every other
// bit of the row as it was.
using set_level_fn = void (*)(void *x, int64_t j, int q);
// For each element j < n of the row of blocks at x: level q of it decodes to
// exactly a[j] * q + b[j] (a * q is exact, so one rounding either way; a
// zero may come out with the other sign).
using level_line_fn = void (*)(const void *x, int64_t n, float *a, float *b);
// *s = dot product of n elements: x a row of this format, y a row of its
// activation type (format_traits::vec_dot_type).
using vec_dot_fn = void (*)(int64_t n, float *s, const void *x, const void *y);
// Dot products of weight rows repacked in groups of 8 (formats/row_groups.h)
// with activation rows: for g < ng, r < 8, j < ny,
// s[j * bs + 8 * g + r] = dot(row r of the group at x + g * bx, y + j * by)
// over n elements (bx, by in bytes, bs in floats). Each result must be
// bit-identical to vec_dot's on the row as it was before packing, so results
// never depend on how rows are grouped, tiled or split among threads.
using gemm_fn = void (*)(int64_t n, float *s, size_t bs, const void *x, size_t bx, int ng,
                         const void *y, size_t by, int ny);

// Causal attention of nq consecutive queries of one head over a KV cache
// whose elements are of this format (float/attention.h): query t (hd floats
// at q + t * q_stride, already scaled) sees keys 0 .. n_first + t - 1 and
// out + t * out_stride gets softmax(q_t . k) . v. Keys come in blocks of
// GGML_KEY_BLOCK positions, element-major (ggml.h), block b at
// k + b * k_stride bytes, read whole; value j is hd elements at
// v + j * v_stride bytes.
using attend_fn = void (*)(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first,
                           const void *k, size_t k_stride, const void *v, size_t v_stride,
                           float *out, size_t out_stride);

// out[i] = silu(x[i]) * g[i] = x[i] / (1 + e^-x[i]) * g[i], for i < n (the
// SwiGLU gate; an F32 kernel).
using swiglu_fn = void (*)(int64_t n, const float *x, const float *g, float *out);

// out = (F (x) I_p) in: m runs of p floats mixed by F, an m x m matrix of
// +1 and -1 (walsh_hadamard.h's hadamard_mix, whose bits every level gives;
// an F32 kernel). Levels but the scalar one take p a multiple of 8.
using hadamard_mix_fn = void (*)(const float *in, float *out, const float *f, int64_t m, int64_t p);

// Which bytes of a block are its payload (interleaved across a group's rows
// in 4-byte units: the quants, and any packed sub-block scales the kernels
// decode lane by lane) and which its header fields (formats/row_groups.h).
struct group_layout {
    uint8_t payload_offset; // first byte of the payload in a block
    uint8_t payload_size;   // bytes, a multiple of 4; 0: the format is never grouped
    // the sizes of the other fields of a block, in block order (those before
    // the payload, then those after it); 0 ends the list
    uint8_t field_size[4];
};

// The levels of the formats whose element j decodes to a * q + b, for a
// level q in 0..count-1 and a, b set by the block's other fields alone (the
// block formats but IQ4_NL and IQ4_XS, whose levels are a table): what a
// quantizer that picks each element's level itself (GPTQ) needs.
struct element_levels {
    int count = 0; // 0: the format's levels are not of this kind
    set_level_fn set = nullptr;
    level_line_fn line = nullptr;
};

// The kernels of one format at one instruction-set level.
struct format_kernels {
    // F32 -> this format, byte-identical to the reference quantizer (used
    // for activations, so it must be fast). Null where the reference is
    // fast enough.
    quantize_row_fn quantize_row;
    vec_dot_fn vec_dot;         // null for types that are never weights (Q8_1, I32)
    gemm_fn gemm;               // over row groups; null for types that are never grouped
    attend_fn attend = nullptr; // F32 and F16 (the KV cache's formats) only
    swiglu_fn swiglu = nullptr; // F32 only
    hadamard_mix_fn hadamard_mix = nullptr; // F32 only
};

struct format_traits {
    ggml_type type;
    const char *name;
    int64_t blck_size; // elements per block
    size_t type_size;  // bytes per block
    bool is_quantized;
    ggml_type vec_dot_type;           // what activations are converted to for vec_dot
    quantize_row_fn quantize_row_ref; // the specification; null for I32
    dequantize_row_fn dequantize_row; // null for I32
    group_layout group;               // payload_size 0 for the float types
    // Kernels per ggml_cpu_level; null where the level has no kernels of its
    // own for this format (the scalar ones are used). The scalar entry is
    // always set for types that can be weights.
    const format_kernels *kernels[4];
    // Kernels of a level's optional extension, used instead of kernels[level]
    // when the CPU has it: AVX512-VNNI for avx512, the dot-product
    // instructions (sdot) for neon. Null where there are none.
    const format_kernels *kernels_ext[4];
    // The quantizer that takes an importance per element (an importance
    // matrix's); null for formats without a scale search to weight.
    quantize_row_weighted_fn quantize_row_weighted = nullptr;
    element_levels levels = {};
};

// The row of a valid type (aborts on an unknown one: check ggml_type_is_valid
// first when the id comes from a file).
const format_traits &traits_of(ggml_type type);

// The kernels in use for a type: those of the selected CPU level, with any
// missing entry taken from the scalar level.
struct active_kernels {
    quantize_row_fn quantize_row; // never null for a type with a reference quantizer
    vec_dot_fn vec_dot;
    gemm_fn gemm; // null only for the types that are never grouped
    attend_fn attend;
    swiglu_fn swiglu;
    hadamard_mix_fn hadamard_mix;
};
const active_kernels &kernels_of(ggml_type type);

// Whether the CPU has the optional extension of a level (see kernels_ext).
bool cpu_has_extension(ggml_cpu_level level);

} // namespace ggml
