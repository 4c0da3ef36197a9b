// NEON kernels of the 4-bit blocks in row groups (arm/common.h): nibbles
// (0..15) are non-negative signed bytes, so a chunk is one signed dot
// product (sdot, or smull + saddlp) with the activation, and the offset (8
// for Q4_0, z for Q4_Z) comes off afterwards as offset * sum(y).
#include "formats/arm/common.h"
#include "formats/kernels.h"

namespace {

// value = d * (q - 8)
struct q4_0_quants {
    static constexpr size_t x_size = 18;
    static void offsets(const char *, float32x4_t o[2]) { o[0] = o[1] = vdupq_n_f32(8.0f); }
    static void decode(const char *x, chunks8 *w) { nibble_chunks(x + 16, w); }
};
using q4_0_codec = offset_codec<q4_0_quants>;

// value = d * (q - z), for 32 weights (Q4_Z) or 128 (Q4_Z128)
struct q4_z_payload {
    static constexpr size_t PAYLOAD = 16;
    static void decode(const char *p, chunks8 *w) { nibble_chunks(p, w); }
};
using q4_z_codec = zero_point_codec<q4_z_payload, 1>;
using q4_z128_codec = zero_point_codec<q4_z_payload, 4>;

// value = d * q + m
struct q4_1_quants {
    static constexpr size_t x_size = 20;
    static void decode(const char *x, chunks8 *w) { nibble_chunks(x + 32, w); }
};
using q4_1_codec = min_codec<q4_1_quants>;

} // namespace

namespace ggml {

const format_kernels GGML_NEON_TABLE(q4_0){nullptr, nullptr, gemm<q4_0_codec>};
const format_kernels GGML_NEON_TABLE(q4_1){nullptr, nullptr, gemm<q4_1_codec>};
const format_kernels GGML_NEON_TABLE(q4_z){nullptr, nullptr, gemm<q4_z_codec>};
const format_kernels GGML_NEON_TABLE(q4_z128){nullptr, nullptr, gemm<q4_z128_codec>};

} // namespace ggml
