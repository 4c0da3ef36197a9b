// The x86 codec of Q8_0 weights in row groups (x86/groups.h) against Q8_0
// activations. The weights are signed: with VNNI, vpdpbusd takes them offset
// by 128 (x ^ 0x80 = x + 128, unsigned) and 128 * sum(y) comes off after;
// without it, maddubs takes |x| and the activation with x's sign (the
// products of a pair stay within int16: 2 * 128 * 127).
#pragma once

#include "formats/x86/groups.h"

namespace {

struct q8_0_codec {
    static constexpr int64_t QK = 32;
    static constexpr size_t x_size = 34, y_size = 34;
    struct weights {
#if defined(__AVX512VNNI__)
        __m256i q[8]; // x + 128
#else
        const char *qs; // the 8 chunks of 32 bytes, read again for each activation row
#endif
        __m256 d;
    };
#if defined(__AVX512VNNI__)
    static act_meta act(const char *yb) { return {fp16_to_f32(load_u16(yb)), 128.0f * q8_sum(yb)}; }
    static weights decode(const char *x) {
        weights w;
        w.d = load_f16x8(x);
        for (int c = 0; c < 8; c++)
            w.q[c] = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(x + 16 + 32 * c)),
                                      _mm256_set1_epi8(char(0x80)));
        return w;
    }
    static __m256 step(__m256 acc, const weights &w, const char *yb, float dy, float aux) {
        __m256i a = _mm256_dpbusd_epi32(_mm256_setzero_si256(), w.q[0], chunk(yb + 2, 0));
        __m256i b = _mm256_dpbusd_epi32(_mm256_setzero_si256(), w.q[1], chunk(yb + 2, 1));
        for (int c = 2; c < 8; c += 2) {
            a = _mm256_dpbusd_epi32(a, w.q[c], chunk(yb + 2, c));
            b = _mm256_dpbusd_epi32(b, w.q[c + 1], chunk(yb + 2, c + 1));
        }
        const __m256 t =
            _mm256_sub_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(a, b)), _mm256_set1_ps(aux));
        return add_scaled(acc, t, w.d, dy);
    }
#else
    static act_meta act(const char *yb) { return {fp16_to_f32(load_u16(yb)), 0.0f}; }
    static weights decode(const char *x) { return {x + 16, load_f16x8(x)}; }
    static __m256 step(__m256 acc, const weights &w, const char *yb, float dy, float) {
        const __m256i ones = _mm256_set1_epi16(1);
        __m256i sum = _mm256_setzero_si256();
        for (int c = 0; c < 8; c++) {
            const __m256i x = _mm256_loadu_si256((const __m256i *)(w.qs + 32 * c));
            const __m256i p =
                _mm256_maddubs_epi16(_mm256_abs_epi8(x), _mm256_sign_epi8(chunk(yb + 2, c), x));
            sum = _mm256_add_epi32(sum, _mm256_madd_epi16(p, ones));
        }
        return add_scaled(acc, _mm256_cvtepi32_ps(sum), w.d, dy);
    }
#endif
};

} // namespace
