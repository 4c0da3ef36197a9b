// The x86 codec of IQ4_NL in row groups (x86/groups.h): the nibbles index
// the 16 levels with one byte shuffle. The levels are signed: with VNNI,
// vpdpbusd takes them offset by 128 (a table of level + 128, all positive)
// and 128 * sum(y) comes off after; without it, maddubs takes |level| and
// the activation with the level's sign (a pair's products stay within int16:
// 2 * 127 * 127), each chunk widened on its own.
#pragma once

#include "iq4/blocks.h"
#include "q4/x86_codecs.h"

namespace {

// The 16 levels, plus 128 with VNNI, in both 128-bit lanes.
inline __m256i iq4_table() {
#if defined(__AVX512VNNI__)
    constexpr int offset = 128;
#else
    constexpr int offset = 0;
#endif
    constexpr auto L = [](int i) { return char(ggml::IQ4_LEVELS[i] + offset); };
    return _mm256_setr_epi8(L(0), L(1), L(2), L(3), L(4), L(5), L(6), L(7), L(8), L(9), L(10),
                            L(11), L(12), L(13), L(14), L(15), L(0), L(1), L(2), L(3), L(4), L(5),
                            L(6), L(7), L(8), L(9), L(10), L(11), L(12), L(13), L(14), L(15));
}

// value = d * IQ4_LEVELS[q]. Group block: 8 d, the nibbles.
struct iq4_nl_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = 18, y_size = 34;
    struct weights {
        __m256i q[8]; // the levels (plus 128 with VNNI)
        __m256 d;
    };
#if defined(__AVX512VNNI__)
    static act_meta act(const char *yb) { return {fp16_to_f32(load_u16(yb)), 128.0f * q8_sum(yb)}; }
#else
    static act_meta act(const char *yb) { return {fp16_to_f32(load_u16(yb)), 0.0f}; }
#endif
    static weights decode(const char *x) {
        weights w;
        w.d = load_f16x8(x);
        nibble_chunks(x + 16, w.q);
        const __m256i table = iq4_table();
        for (int c = 0; c < 8; c++) w.q[c] = _mm256_shuffle_epi8(table, w.q[c]);
        return w;
    }
    static __m256 step(__m256 acc, const weights &w, const char *yb, float dy, float aux) {
#if defined(__AVX512VNNI__)
        const __m256 t =
            _mm256_sub_ps(_mm256_cvtepi32_ps(dot_small(w.q, yb + 2)), _mm256_set1_ps(aux));
#else
        (void)aux;
        const __m256i ones = _mm256_set1_epi16(1);
        __m256i sum = _mm256_setzero_si256();
        for (int c = 0; c < 8; c++) {
            const __m256i p = _mm256_maddubs_epi16(_mm256_abs_epi8(w.q[c]),
                                                   _mm256_sign_epi8(chunk(yb + 2, c), w.q[c]));
            sum = _mm256_add_epi32(sum, _mm256_madd_epi16(p, ones));
        }
        const __m256 t = _mm256_cvtepi32_ps(sum);
#endif
        return add_scaled(acc, t, w.d, dy);
    }
};

} // namespace
