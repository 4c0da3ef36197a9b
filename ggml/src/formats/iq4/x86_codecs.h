// The x86 codec of IQ4_NL in row groups (x86/groups.h), over a vector width
// W (x86/widths.h): the nibbles index the 16 levels with one byte shuffle.
// The levels are signed: with VNNI, vpdpbusd takes them offset by 128 (a
// table of level + 128, all positive) and 128 * sum(y) comes off after;
// without it, maddubs takes |level| and the activation with the level's
// sign (a pair's products stay within int16: 2 * 127 * 127), each chunk
// widened on its own.
#pragma once

#include "iq4/blocks.h"
#include "q4/x86_codecs.h"

namespace {

#if defined(__AVX512VNNI__)
constexpr int IQ4_OFFSET = 128;
#else
constexpr int IQ4_OFFSET = 0;
#endif

// value = d * IQ4_LEVELS[q]; group block: the rows' d, the nibbles
template <class W> struct iq4_nl_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = 18, y_size = 34;
    struct weights {
        typename W::iv q[8]; // the levels, plus IQ4_OFFSET
        typename W::fv d;
    };
    static act_meta act(const char *yb) {
        return {fp16_to_f32(load_u16(yb)), float(IQ4_OFFSET) * q8_sum(yb)};
    }
    static weights decode(const char *x, size_t bx) {
        constexpr auto L = [](int i) { return char(ggml::IQ4_LEVELS[i] + IQ4_OFFSET); };
        const typename W::iv table =
            W::bcast128(_mm_setr_epi8(L(0), L(1), L(2), L(3), L(4), L(5), L(6), L(7), L(8), L(9),
                                      L(10), L(11), L(12), L(13), L(14), L(15)));
        weights w;
        w.d = W::load_f16(x, bx, 0);
        nibble_chunks<W>(x + 16, bx, w.q);
        for (int c = 0; c < 8; c++) w.q[c] = W::shuffle8(table, w.q[c]);
        return w;
    }
    static typename W::fv step(typename W::fv acc, const weights &w, const char *yb, float dy,
                               float aux) {
#if defined(__AVX512VNNI__)
        const typename W::fv t = W::sub(W::cvt(dot_small<W>(w.q, yb + 2)), W::fset1(aux));
#else
        (void)aux; // 0: no offset
        typename W::iv sum = W::izero();
        for (int c = 0; c < 8; c++) {
            const typename W::iv p =
                W::maddubs(W::abs8(w.q[c]), W::sign8(W::chunk(yb + 2, c), w.q[c]));
            sum = W::add32(sum, W::madd1(p));
        }
        const typename W::fv t = W::cvt(sum);
#endif
        return add_scaled<W>(acc, t, w.d, dy);
    }
};

} // namespace
