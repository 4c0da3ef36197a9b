// Scalar reference of IQ4_NL and IQ4_XS. The quantizers are byte-identical
// with what llama-quantize writes without an importance matrix
// (quantize_iq4_nl and quantize_iq4_xs in ggml-quants.c, which search 15
// scales per block; ggml's quantize_row_iq4_nl_ref searches none and is not
// what files are made with). IQ4_NL's dot product follows Q4_0's order,
// IQ4_XS's the K-quants' (k/super_block.h).
#include "iq4/blocks.h"

#include "formats/dot_sum.h"
#include "fp16.h"
#include "k/scale_search.h"
#include "k/super_block.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ggml {

namespace {

// The level nearest to v, ties to the lower one (ggml's best_index_int8).
int nearest_level(float v) {
    if (v <= IQ4_LEVELS[0]) return 0;
    if (v >= IQ4_LEVELS[15]) return 15;
    int lo = 0, hi = 15;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (v < IQ4_LEVELS[mid])
            hi = mid;
        else
            lo = mid;
    }
    return v - float(IQ4_LEVELS[hi - 1]) < float(IQ4_LEVELS[hi]) - v ? hi - 1 : hi;
}

// The scale of a block of 32: the one among 1 + 15 candidates (max|x| with
// its sign mapped to -127, then to -127 + k for k = -7..7) whose levels fit
// x best in the x^2-weighted least-squares sense, as that fit's scale.
// 0 for a block that is all (near) zero.
float block_scale(const float *x) {
    float amax;
    const float max = signed_max(32, x, &amax);
    if (amax < GROUP_MAX_EPS) return 0.0f;
    // sums of w q x and w q^2 (w = x^2) for the levels of inverse scale id
    auto sums = [&](float id, float *sumqx, float *sumq2) {
        *sumqx = *sumq2 = 0.0f;
        for (int j = 0; j < 32; j++) {
            const float q = float(IQ4_LEVELS[nearest_level(id * x[j])]);
            const float w = x[j] * x[j];
            *sumqx += w * q * x[j];
            *sumq2 += w * q * q;
        }
    };
    float sumqx, sumq2;
    sums(1.0f / (-max / float(IQ4_LEVELS[0])), &sumqx, &sumq2);
    float d = sumq2 > 0.0f ? sumqx / sumq2 : 0.0f;
    float best = d * sumqx;
    for (int k = -7; k <= 7; k++) {
        sums(float(k + IQ4_LEVELS[0]) / max, &sumqx, &sumq2);
        if (sumq2 > 0.0f && sumqx * sumqx > best * sumq2) {
            d = sumqx / sumq2;
            best = d * sumqx;
        }
    }
    return d;
}

// The nibbles of 32 weights at inverse scale id, in Q4_0's order.
void pack_levels(const float *x, float id, uint8_t qs[16]) {
    for (int j = 0; j < 16; j++)
        qs[j] = uint8_t(nearest_level(id * x[j]) | nearest_level(id * x[j + 16]) << 4);
}

void decode(const block_iq4_xs &x, super_block *b) {
    *b = {fp16_to_fp32(x.d), 0.0f, 32, false, {}, {}, {}};
    for (int j = 0; j < QK_K / 32; j++) {
        const int low = (x.scales_l[j / 2] >> (4 * (j % 2))) & 15;
        const int high = (x.scales_h >> (2 * j)) & 3;
        b->scale[j] = (low | high << 4) - 32;
        for (int i = 0; i < 16; i++) {
            b->q[32 * j + i] = IQ4_LEVELS[x.qs[16 * j + i] & 15];
            b->q[32 * j + 16 + i] = IQ4_LEVELS[x.qs[16 * j + i] >> 4];
        }
    }
}

} // namespace

void quantize_row_iq4_nl_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<block_iq4_nl *>(vy);
    for (int64_t b = 0; b < n / QK4_NL; b++, x += QK4_NL) {
        const float d = block_scale(x);
        y[b].d = fp32_to_fp16(d);
        // the levels of the float scale, not of its fp16 (as ggml)
        pack_levels(x, d != 0.0f ? 1.0f / d : 0.0f, y[b].qs);
    }
}

void quantize_row_iq4_xs_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<block_iq4_xs *>(vy);
    for (int64_t b = 0; b < n / QK_K; b++, x += QK_K) {
        float scales[QK_K / 32];
        for (int j = 0; j < QK_K / 32; j++) scales[j] = block_scale(x + 32 * j);
        const float max_scale = signed_max(QK_K / 32, scales);
        // the sub-block scales as 6-bit multiples of d, the largest (with
        // its sign) at -32; an all-zero super-block gets d = -0.0 as in ggml
        block_iq4_xs &blk = y[b];
        const float d = -max_scale / 32.0f;
        blk.d = fp32_to_fp16(d);
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        blk.scales_h = 0;
        std::memset(blk.scales_l, 0, sizeof blk.scales_l);
        for (int j = 0; j < QK_K / 32; j++) {
            const int l = std::max(-32, std::min(31, nearest_int(id * scales[j])));
            // levels for the scale as stored (with the float d)
            const float dl = d * float(l);
            pack_levels(x + 32 * j, dl != 0.0f ? 1.0f / dl : 0.0f, blk.qs + 16 * j);
            const int s = l + 32;
            blk.scales_l[j / 2] |= uint8_t((s & 15) << (4 * (j % 2)));
            blk.scales_h |= uint16_t((s >> 4) << (2 * j));
        }
    }
}

void dequantize_row_iq4_nl(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const block_iq4_nl *>(vx);
    for (int64_t b = 0; b < n / QK4_NL; b++) {
        const float d = fp16_to_fp32(x[b].d);
        for (int j = 0; j < 16; j++) {
            y[b * QK4_NL + j] = d * float(IQ4_LEVELS[x[b].qs[j] & 15]);
            y[b * QK4_NL + j + 16] = d * float(IQ4_LEVELS[x[b].qs[j] >> 4]);
        }
    }
}

void dequantize_row_iq4_xs(const void *x, float *y, int64_t n) {
    dequantize_super_blocks<block_iq4_xs, decode>(x, y, n);
}

void vec_dot_iq4_nl_q8_0_ref(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const block_iq4_nl *>(vx);
    const auto *y = static_cast<const block_q8_0 *>(vy);
    dot_sum sum;
    for (int64_t b = 0; b < n / QK4_NL; b++) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            sumi += IQ4_LEVELS[x[b].qs[j] & 15] * y[b].qs[j];
            sumi += IQ4_LEVELS[x[b].qs[j] >> 4] * y[b].qs[j + 16];
        }
        sum.fma(float(sumi), fp16_to_fp32(x[b].d) * fp16_to_fp32(y[b].d));
    }
    *s = sum.total();
}

void vec_dot_iq4_xs_q8_K_ref(int64_t n, float *s, const void *x, const void *y) {
    vec_dot_super_blocks<block_iq4_xs, decode>(n, s, x, y);
}

} // namespace ggml
