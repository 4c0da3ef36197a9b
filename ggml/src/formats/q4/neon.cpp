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

// value = d * (q - z)
struct q4_z_quants {
    static constexpr size_t x_size = 19;
    static void offsets(const char *x, float32x4_t o[2]) { zero_points(x, o); }
    static void decode(const char *x, chunks8 *w) { nibble_chunks(x + 24, w); }
};
using q4_z_codec = offset_codec<q4_z_quants>;

// value = d * q + m, against Q8_1 whose s = dy * sum(y) carries the m term:
// the reference adds m * s first, then d * dy * sum(q y)
struct q4_1_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = 20, y_size = 36;
    struct weights {
        chunks8 q;
        float32x4_t d[2], m[2];
    };
    static act_meta act(const char *yb) {
        return {fp16_to_f32(load_u16(yb)), fp16_to_f32(load_u16(yb + 2))};
    }
    static weights decode(const char *x) {
        weights w;
        w.d[0] = load_f16x4(x);
        w.d[1] = load_f16x4(x + 8);
        w.m[0] = load_f16x4(x + 16);
        w.m[1] = load_f16x4(x + 24);
        nibble_chunks(x + 32, &w.q);
        return w;
    }
    static acc8 step(acc8 acc, const weights &w, const char *yb, float dy, float aux) {
        const int8_t *qs = (const int8_t *)yb + 4;
        float32x4_t out[2] = {acc.lo, acc.hi};
        for (int h = 0; h < 2; h++) {
            out[h] = vfmaq_n_f32(out[h], w.m[h], aux);
            out[h] = add_scaled(out[h], vcvtq_f32_s32(dot_half(w.q, h, qs)), w.d[h], dy);
        }
        return {out[0], out[1]};
    }
};

} // namespace

namespace ggml {

const format_kernels GGML_NEON_TABLE(q4_0){nullptr, nullptr, gemm<q4_0_codec>};
const format_kernels GGML_NEON_TABLE(q4_1){nullptr, nullptr, gemm<q4_1_codec>};
const format_kernels GGML_NEON_TABLE(q4_z){nullptr, nullptr, gemm<q4_z_codec>};

} // namespace ggml
