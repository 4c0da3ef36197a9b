// Helpers shared by the NEON kernel files (neon.cpp of each format family),
// which are built twice: for baseline armv8-a and with the dot-product
// instructions (armv8.2-a+dotprod), chosen at run time (dispatch.cpp). All of
// it has internal linkage, so neither build's copy can stand in for the
// other's (see x86/common.h).
#pragma once

#include "formats/quant_math.h"
#include "formats/tiles.h"

#include <arm_neon.h>

#include <cstring>

// The name of a kernel table in this build of a NEON file.
#if defined(__ARM_FEATURE_DOTPROD)
#define GGML_NEON_TABLE(f) f##_neon_dotprod
#else
#define GGML_NEON_TABLE(f) f##_neon
#endif

namespace {

inline float fp16_to_f32(uint16_t h) {
    return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(h))), 0);
}
// Round to nearest even (the FPCR default), as the reference's fp32_to_fp16.
inline uint16_t f32_to_fp16(float f) {
    return vget_lane_u16(vreinterpret_u16_f16(vcvt_f16_f32(vdupq_n_f32(f))), 0);
}

inline uint16_t load_u16(const void *p) {
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// The fp16 at byte `off` of 4 blocks XS bytes apart, as floats.
template <size_t XS> inline float32x4_t gather_f16(const char *x, int off) {
    uint16_t h[4];
    for (int k = 0; k < 4; k++) h[k] = load_u16(x + k * XS + off);
    return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(h)));
}

// acc + the sums of 4 consecutive products of 16 signed bytes.
inline int32x4_t dot16(int32x4_t acc, int8x16_t a, int8x16_t b) {
#if defined(__ARM_FEATURE_DOTPROD)
    return vdotq_s32(acc, a, b);
#else
    const int16x8_t lo = vmull_s8(vget_low_s8(a), vget_low_s8(b));
    const int16x8_t hi = vmull_high_s8(a, b);
    return vpadalq_s16(vpadalq_s16(acc, lo), hi);
#endif
}

// A block's 32 weights as signed bytes: elements 0..15 and 16..31.
struct signed_quants {
    int8x16_t lo, hi;
};

// The accumulator side of a NEON codec C: 4 partial sums (formats/tiles.h).
// C::decode gives each block's weights with the zero point already taken
// off (q - z fits int8), so a block's sum is one signed dot product. The
// defaults of act and term fit the formats whose value is d * (q - offset);
// Q4_1 brings its own.
template <class C> struct neon_codec {
    using acc = float32x4_t;
    static acc zero() { return vdupq_n_f32(0.0f); }
    // dot_partials::total of partials 0..3 in a0 and 4..7 in a1
    static float total(acc a0, acc a1) {
        const float32x4_t s = vaddq_f32(a0, a1);
        const float32x2_t h = vadd_f32(vget_low_f32(s), vget_high_f32(s));
        return vget_lane_f32(h, 0) + vget_lane_f32(h, 1);
    }
    static act_meta act(const char *yb, int8_t *q) {
        std::memcpy(q, yb + 2, QK);
        return {fp16_to_f32(load_u16(yb)), 0.0f};
    }
    // partials + float(sumi) * (dx * dy) with one rounding (dx * dy is exact)
    static float32x4_t add_scaled(float32x4_t acc, float32x4_t sumi, float32x4_t dx,
                                  const float *dy) {
        return vfmaq_f32(acc, sumi, vmulq_f32(dx, vld1q_f32(dy)));
    }
    template <class W>
    static float32x4_t term(float32x4_t acc, float32x4_t sumi, const W &w, const float *dy,
                            const float *) {
        return add_scaled(acc, sumi, w.d, dy);
    }
    template <class W>
    static acc step(acc a, const W &w, const int8_t *y, const float *dy, const float *aux) {
        int32x4_t p[4];
        for (int k = 0; k < 4; k++) {
            const int8x16_t ylo = vld1q_s8(y + k * QK), yhi = vld1q_s8(y + k * QK + 16);
            p[k] = dot16(dot16(vdupq_n_s32(0), w.q[k].lo, ylo), w.q[k].hi, yhi);
        }
        const int32x4_t sumi = vpaddq_s32(vpaddq_s32(p[0], p[1]), vpaddq_s32(p[2], p[3]));
        return C::term(a, vcvtq_f32_s32(sumi), w, dy, aux);
    }
};

// The codec of a format with value d * (q - offset), d at byte 0, against
// Q8_0: Unpack(block) gives q - offset as signed bytes.
template <size_t XS, signed_quants (*Unpack)(const char *blk)>
struct scaled_codec : neon_codec<scaled_codec<XS, Unpack>> {
    static constexpr size_t x_size = XS, y_size = 34;
    struct weights {
        signed_quants q[4];
        float32x4_t d;
    };
    static weights decode(const char *x) {
        weights w;
        for (int k = 0; k < 4; k++) w.q[k] = Unpack(x + k * XS);
        w.d = gather_f16<XS>(x, 0);
        return w;
    }
};

} // namespace
