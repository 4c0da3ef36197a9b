// A super-block of 256 weights decoded to integers, the common form of the
// K-quants (and IQ4_XS): value of element i of sub-block j =
// d * scale[j] * q[i] - dmin * min[j]. The decoders (ref.cpp) say where the
// bits live; dequantization and the reference dot product are written once,
// here, over this form.
#pragma once

#include "k/blocks.h"

#include "formats/dot_sum.h"

#include <cstdint>

namespace ggml {

struct super_block {
    float d, dmin;        // the fp16 scales as floats (dmin 0 without mins)
    int sub;              // elements per sub-block: 16 or 32
    bool has_min;         // Q2_K, Q4_K, Q5_K
    int scale[QK_K / 16]; // per sub-block (QK_K / sub of them)
    int min[QK_K / 16];   // per sub-block, >= 0, where has_min
    int8_t q[QK_K];       // element levels, signed where the format is
};

// Dequantization: per sub-block dl = d * scale (a float), then dl * q - dmin *
// min, each product rounded: ggml's order, so the floats are ggml's.
inline void dequantize_super_block(const super_block &b, float *y) {
    for (int j = 0; j < QK_K / b.sub; j++) {
        const float dl = b.d * float(b.scale[j]);
        const int8_t *q = b.q + j * b.sub;
        if (b.has_min) {
            const float ml = b.dmin * float(b.min[j]);
            for (int i = 0; i < b.sub; i++) y[j * b.sub + i] = dl * float(q[i]) - ml;
        } else {
            for (int i = 0; i < b.sub; i++) y[j * b.sub + i] = dl * float(q[i]);
        }
    }
}

// The reference dot product's order for a super-block of a row against the
// Q8_K block y (formats/dot_sum.h): exact integer sums of q * y per
// sub-block, times the sub-block's scale, summed in int32 (|total| < 2^31
// for every format); the min term likewise from y's bsums. Then into the
// row's sum: total * (d * y.d), and for formats with mins, -min_total *
// (dmin * y.d), one fused multiply-add each. float(total) rounds where
// |total| exceeds 2^24, the same way in every kernel.
inline void dot_super_block(const super_block &x, const block_q8_K &y, dot_sum *sum) {
    // (summed per 16 elements, which every sub-block size is a multiple
    // of: the integers are exact, so the grouping cannot change them)
    int32_t total = 0, min_total = 0;
    for (int g = 0; g < QK_K / 16; g++) {
        int32_t s = 0;
        for (int i = 16 * g; i < 16 * g + 16; i++) s += int32_t(x.q[i]) * y.qs[i];
        const int j = 16 * g / x.sub;
        total += x.scale[j] * s;
        if (x.has_min) min_total += x.min[j] * y.bsums[g];
    }
    sum->fma(float(total), x.d * y.d);
    if (x.has_min) sum->fma(float(-min_total), x.dmin * y.d);
}

// dequantize_row and the reference vec_dot of a format with blocks B,
// through its decoder.
template <class B, void (*Decode)(const B &, super_block *)>
void dequantize_super_blocks(const void *vx, float *y, int64_t n) {
    const auto *x = static_cast<const B *>(vx);
    super_block sb;
    for (int64_t b = 0; b < n / QK_K; b++) {
        Decode(x[b], &sb);
        dequantize_super_block(sb, y + b * QK_K);
    }
}

template <class B, void (*Decode)(const B &, super_block *)>
void vec_dot_super_blocks(int64_t n, float *s, const void *vx, const void *vy) {
    const auto *x = static_cast<const B *>(vx);
    const auto *y = static_cast<const block_q8_K *>(vy);
    dot_sum sum;
    super_block sb;
    for (int64_t b = 0; b < n / QK_K; b++) {
        Decode(x[b], &sb);
        dot_super_block(sb, y[b], &sum);
    }
    *s = sum.total();
}

} // namespace ggml
