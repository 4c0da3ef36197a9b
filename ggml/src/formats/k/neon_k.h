// The NEON helpers of the super-block codecs (k/neon.cpp, and IQ4_XS's in
// iq4/neon.cpp): Q8_K's layout (k/q8_K_layout.h), bytes of a row's 32-bit
// lane, dot products of 4 chunks. Internal linkage only (see arm/common.h).
#pragma once

#include "formats/arm/common.h"
#include "k/q8_K_layout.h"

namespace {

// A table lookup that fills each 32-bit lane (a row) of a half with bytes
// b0..b3 of the same lane, -1 for a zero byte.
GGML_FORCE_INLINE uint8x16_t lane_bytes(int b0, int b1, int b2, int b3) {
    uint8_t idx[16];
    const int b[4] = {b0, b1, b2, b3};
    for (int r = 0; r < 4; r++)
        for (int i = 0; i < 4; i++) idx[4 * r + i] = uint8_t(b[i] < 0 ? 0xff : 4 * r + b[i]);
    return vld1q_u8(idx);
}

// Byte K of each lane as an int32: unsigned, or signed.
template <int K> GGML_FORCE_INLINE int32x4_t lane_u8(uint8x16_t v) {
    return vreinterpretq_s32_u8(vqtbl1q_u8(v, lane_bytes(K, -1, -1, -1)));
}
template <int K> GGML_FORCE_INLINE int32x4_t lane_s8(uint8x16_t v) {
    return vshrq_n_s32(vreinterpretq_s32_u8(vqtbl1q_u8(v, lane_bytes(-1, -1, -1, K))), 24);
}

// Per row of half h, the dot product of chunks c0..c0+3 with the 16
// activation bytes at y, exactly.
GGML_FORCE_INLINE int32x4_t dot4(const chunks8 &w, int c0, int h, const int8_t *y) {
#if defined(__ARM_FEATURE_DOTPROD)
    const int8x16_t yv = vld1q_s8(y);
    int32x4_t a = vdotq_laneq_s32(vdupq_n_s32(0), w.q[c0][h], yv, 0);
    int32x4_t b = vdotq_laneq_s32(vdupq_n_s32(0), w.q[c0 + 1][h], yv, 1);
    a = vdotq_laneq_s32(a, w.q[c0 + 2][h], yv, 2);
    b = vdotq_laneq_s32(b, w.q[c0 + 3][h], yv, 3);
    return vaddq_s32(a, b);
#else
    int32x4_t sum = vdupq_n_s32(0);
    for (int c = 0; c < 4; c++) {
        const int8x8_t yc = vreinterpret_s8_s32(vdup_n_s32(load_i32(y + 4 * c)));
        const int32x4_t rows01 = vpaddlq_s16(vmull_s8(vget_low_s8(w.q[c0 + c][h]), yc));
        const int32x4_t rows23 = vpaddlq_s16(vmull_s8(vget_high_s8(w.q[c0 + c][h]), yc));
        sum = vaddq_s32(sum, vpaddq_s32(rows01, rows23));
    }
    return sum;
#endif
}

// The 16-byte half h of the 32-byte unit at x + off.
GGML_FORCE_INLINE uint8x16_t unit(const char *x, int off, int h) {
    return vld1q_u8((const uint8_t *)x + off + 16 * h);
}

} // namespace
