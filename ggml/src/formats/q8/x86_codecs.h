// The x86 codec of Q8_0 weights in row groups (x86/groups.h) against Q8_0
// activations, over a vector width W. The weights are signed: with VNNI,
// vpdpbusd takes them offset by 128 (x ^ 0x80 = x + 128, unsigned), and
// the dot product starts from -128 * sum(y); without it, signed_pairs
// multiplies them with the activation bytes.
#pragma once

#include "formats/x86/groups.h"

namespace {

template <class W> struct q8_0_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = 34, y_size = 34;
    struct weights {
#if defined(__AVX512VNNI__)
        typename W::iv q[8]; // x + 128
#else
        const char *qs; // the 8 chunks, read again for each activation row
        size_t bx;
#endif
        typename W::fv d;
    };
#if defined(__AVX512VNNI__)
    static constexpr int y_qs = 2;
    static act_meta act(const char *yb) {
        return {fp16_to_f32(load_u16(yb)), 0.0f, -128 * q8_sum(yb)};
    }
    static weights decode(const char *x, size_t bx) {
        weights w;
        w.d = W::load_f16(x, bx, 0);
        for (int c = 0; c < 8; c++)
            w.q[c] = W::xor_(W::load(x, bx, 16 + 32 * c), W::set1_8(char(0x80)));
        return w;
    }
    static typename W::fv step_dot(typename W::fv acc, const weights &w, typename W::iv sum,
                                   float dy, float) {
        return add_scaled<W>(acc, W::cvt(sum), w.d, dy);
    }
#else
    static act_meta act(const char *yb) { return {fp16_to_f32(load_u16(yb)), 0.0f}; }
    static weights decode(const char *x, size_t bx) { return {x + 16, bx, W::load_f16(x, bx, 0)}; }
    static typename W::fv step(typename W::fv acc, const weights &w, const char *yb, float dy,
                               float) {
        typename W::iv sum = W::izero();
        for (int c = 0; c < 8; c++) {
            const typename W::iv x = W::load(w.qs, w.bx, 32 * c);
            sum = W::add32(sum, W::madd1(signed_pairs<W>(x, W::chunk(yb + 2, c))));
        }
        return add_scaled<W>(acc, W::cvt(sum), w.d, dy);
    }
#endif
};

} // namespace
