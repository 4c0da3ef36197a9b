// NEON kernel of IQ4_NL in row groups (arm/common.h): the nibbles index the
// 16 signed levels with one table lookup, and a chunk is a signed dot
// product with the activation (Q4_0's codec with an offset of 0).
#include "formats/arm/common.h"
#include "formats/kernels.h"
#include "iq4/blocks.h"

namespace {

// value = d * IQ4_LEVELS[q]; group block: 8 d, the nibbles
struct iq4_nl_quants {
    static constexpr size_t x_size = 18;
    static void offsets(const char *, float32x4_t o[2]) { o[0] = o[1] = vdupq_n_f32(0.0f); }
    static void decode(const char *x, chunks8 *w) {
        nibble_chunks(x + 16, w);
        const int8x16_t levels = vld1q_s8(ggml::IQ4_LEVELS);
        for (int c = 0; c < 8; c++)
            for (int h = 0; h < 2; h++)
                w->q[c][h] = vqtbl1q_s8(levels, vreinterpretq_u8_s8(w->q[c][h]));
    }
};
using iq4_nl_codec = offset_codec<iq4_nl_quants>;

} // namespace

namespace ggml {

const format_kernels GGML_NEON_TABLE(iq4_nl){nullptr, nullptr, gemm<iq4_nl_codec>};

} // namespace ggml
