// The scalar reference of the zero-point formats whose blocks are an fp16 d,
// an integer z and payloads of 32 levels (`sub[]`): Q4_Z, Q3_Z, Q2_Z and
// their 128 forms. Value d * (q - z); each block quantized by one search over
// its weights (formats/zero_point_fit.h); each payload dotted against its
// own Q8_0 block. L gives a payload's levels: MAXQ, get(payload, j) and
// set(payload, j, q) for j < 32.
#pragma once

#include "formats/dot_sum.h"
#include "formats/zero_point_fit.h"
#include "fp16.h"
#include "q8/blocks.h"

#include <cstdint>
#include <cstring>

namespace ggml {

template <class B, class L> struct zero_point_blocks {
    static constexpr int SUB = 32; // levels a payload
    static constexpr int QK = int(sizeof(B::sub) / sizeof(B::sub[0])) * SUB;

    static B load(const B *x) { // (blocks are packed)
        B b;
        std::memcpy(&b, x, sizeof b);
        return b;
    }

    static void quantize(const float *x, void *vy, int64_t n, const float *w) {
        auto *y = static_cast<B *>(vy);
        for (int64_t b = 0; b < n / QK; b++) {
            B blk{};
            uint8_t q[QK];
            const zero_point_grid g =
                fit_zero_point(x + b * QK, w ? w + b * QK : nullptr, QK, L::MAXQ, q);
            blk.d = g.d;
            blk.z = uint8_t(g.z);
            for (int j = 0; j < QK; j++) L::set(blk.sub[j / SUB], j % SUB, q[j]);
            std::memcpy(&y[b], &blk, sizeof blk);
        }
    }

    static void set_level(void *x, int64_t j, int q) {
        B &b = static_cast<B *>(x)[j / QK];
        const int i = int(j % QK);
        L::set(b.sub[i / SUB], i % SUB, q);
    }

    static void level_line(const void *vx, int64_t n, float *a, float *b) {
        const auto *x = static_cast<const B *>(vx);
        for (int64_t j = 0; j < n; j++) {
            const B blk = load(&x[j / QK]);
            a[j] = fp16_to_fp32(blk.d);
            b[j] = -float(blk.z) * a[j];
        }
    }

    static void dequantize(const void *vx, float *y, int64_t n) {
        const auto *x = static_cast<const B *>(vx);
        for (int64_t b = 0; b < n / QK; b++) {
            const B blk = load(&x[b]);
            const float d = fp16_to_fp32(blk.d);
            for (int j = 0; j < QK; j++)
                y[b * QK + j] = float(L::get(blk.sub[j / SUB], j % SUB) - blk.z) * d;
        }
    }

    // The exact integer sum of a payload's levels less z times the
    // activation's, then one fused multiply-add per payload.
    static void vec_dot(int64_t n, float *s, const void *vx, const void *vy) {
        const auto *x = static_cast<const B *>(vx);
        const auto *y = static_cast<const block_q8_0 *>(vy);
        dot_sum sum;
        for (int64_t b = 0; b < n / QK; b++) {
            const B blk = load(&x[b]);
            for (int sb = 0; sb < QK / SUB; sb++) {
                const block_q8_0 &yb = y[b * (QK / SUB) + sb];
                int sumi = 0;
                for (int j = 0; j < SUB; j++) sumi += (L::get(blk.sub[sb], j) - blk.z) * yb.qs[j];
                sum.fma(float(sumi), fp16_to_fp32(blk.d) * fp16_to_fp32(yb.d));
            }
        }
        *s = sum.total();
    }
};

} // namespace ggml
