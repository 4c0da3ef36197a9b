// The driver of every x86 quantized gemm (format_kernels::gemm): weight rows
// in groups of 8 (formats/row_groups.h) against activation rows, given a
// codec C of one format:
//   QK, x_size, y_size   elements per block, bytes of a weight block and of
//                        an activation block;
//   act(y block)         -> act_meta: what the block's float terms need of
//                        the activation block (its scale, and a sum the
//                        format's offset or minimum multiplies);
//   decode(group block)  -> weights: block b of the 8 rows, in registers;
//   step(acc, weights, y block, d, aux) -> acc: block b's terms added to the
//                        8 rows' dot sums, in the order of the format's
//                        reference (formats/dot_sum.h).
// acc holds the 8 rows' sums in its lanes, so every result is bit-identical
// with the reference's vec_dot of its row.
//
// Built into the AVX2 files and the AVX-512 ones (twice: with and without
// VNNI). Internal linkage only (see x86/common.h).
#pragma once

#include "formats/row_groups.h"
#include "formats/scratch.h"
#include "formats/x86/common.h"

namespace {

using ggml::ROW_GROUP;

// What a block's float terms need of its activation block.
struct act_meta {
    float d;
    float aux;
};

// An activation row as the tiles read it: its blocks, and d and aux of each.
struct act_row {
    const char *y;
    const float *d, *aux;
};

// The 4 activation bytes of chunk c (elements 4c..4c+3) in every lane.
inline __m256i chunk(const char *qs, int c) { return _mm256_set1_epi32(int(load_u32(qs + 4 * c))); }

// Per lane (row), the sum of the 8 chunks' products of unsigned weight
// quants q[c] (at most 15) with the activation's signed bytes. Without VNNI,
// maddubs lanes are at most 2 * 15 * 127 = 3810 (the quantizers never write
// -128), so all 8 chunks add up in int16 (30480) before one madd widens them.
inline __m256i dot_small(const __m256i q[8], const char *qs) {
#if defined(__AVX512VNNI__)
    // two chains, so that the dependent dpbusd latencies overlap
    __m256i a = _mm256_dpbusd_epi32(_mm256_setzero_si256(), q[0], chunk(qs, 0));
    __m256i b = _mm256_dpbusd_epi32(_mm256_setzero_si256(), q[1], chunk(qs, 1));
    for (int c = 2; c < 8; c += 2) {
        a = _mm256_dpbusd_epi32(a, q[c], chunk(qs, c));
        b = _mm256_dpbusd_epi32(b, q[c + 1], chunk(qs, c + 1));
    }
    return _mm256_add_epi32(a, b);
#else
    __m256i t = _mm256_maddubs_epi16(q[0], chunk(qs, 0));
    for (int c = 1; c < 8; c++) t = _mm256_add_epi16(t, _mm256_maddubs_epi16(q[c], chunk(qs, c)));
    return _mm256_madd_epi16(t, _mm256_set1_epi16(1));
#endif
}

// As dot_small for quants of up to 5 bits (at most 31). Without VNNI,
// maddubs lanes reach 2 * 31 * 127 = 7874, so 4 chunks add up in int16
// (31496) before madd widens them.
inline __m256i dot_5bit(const __m256i q[8], const char *qs) {
#if defined(__AVX512VNNI__)
    return dot_small(q, qs);
#else
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i half[2];
    for (int h = 0; h < 2; h++) {
        __m256i t = _mm256_maddubs_epi16(q[4 * h], chunk(qs, 4 * h));
        for (int c = 4 * h + 1; c < 4 * h + 4; c++)
            t = _mm256_add_epi16(t, _mm256_maddubs_epi16(q[c], chunk(qs, c)));
        half[h] = _mm256_madd_epi16(t, ones);
    }
    return _mm256_add_epi32(half[0], half[1]);
#endif
}

// lo plus `value` (a bit that lo's bytes never have set, so adding and OR
// agree) in the bytes of chunk C (elements 4C..4C+3 of each row) whose bit
// is set in the row's bit plane: h holds each row's 32-bit mask in
// its lane, element j's bit at bit j % 8 of byte j / 8 (Q3_Z's qh, Q5_0's and
// Q5_1's qh), so chunk C's bits are bits 4 (C % 2) + 0..3 of byte C / 2.
template <int C> inline __m256i add_plane_bit(__m256i lo, __m256i h, char value) {
    // byte C / 2 of each row's mask in all 4 bytes of its lane, then each
    // byte's own bit
    const __m256i sel = _mm256_shuffle_epi8(
        h, _mm256_setr_epi8(C / 2, C / 2, C / 2, C / 2, 4 + C / 2, 4 + C / 2, 4 + C / 2, 4 + C / 2,
                            8 + C / 2, 8 + C / 2, 8 + C / 2, 8 + C / 2, 12 + C / 2, 12 + C / 2,
                            12 + C / 2, 12 + C / 2, C / 2, C / 2, C / 2, C / 2, 4 + C / 2,
                            4 + C / 2, 4 + C / 2, 4 + C / 2, 8 + C / 2, 8 + C / 2, 8 + C / 2,
                            8 + C / 2, 12 + C / 2, 12 + C / 2, 12 + C / 2, 12 + C / 2));
    const __m256i bit = _mm256_set1_epi32(int(0x08040201u << (4 * (C % 2))));
#if defined(__AVX512BW__)
    return _mm256_mask_add_epi8(lo, _mm256_test_epi8_mask(sel, bit), lo, _mm256_set1_epi8(value));
#else
    const __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(sel, bit), bit);
    return _mm256_or_si256(lo, _mm256_and_si256(set, _mm256_set1_epi8(value)));
#endif
}

// 8 floats from 8 fp16 at p.
inline __m256 load_f16x8(const char *p) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}

// sum + (dx * dy) * t for the 8 rows, one rounding for the product of the
// scales (exact for two fp16) and one for the multiply-add, as the reference.
inline __m256 add_scaled(__m256 sum, __m256 t, __m256 dx, float dy) {
    return _mm256_fmadd_ps(t, _mm256_mul_ps(dx, _mm256_set1_ps(dy)), sum);
}

template <class C, int NY>
void group_tile(int64_t nb, float *s, size_t bs, const char *x, const act_row *rows) {
    __m256 acc[NY];
    for (int j = 0; j < NY; j++) acc[j] = _mm256_setzero_ps();
    for (int64_t b = 0; b < nb; b++) {
        const typename C::weights w = C::decode(x + b * ROW_GROUP * int64_t(C::x_size));
        for (int j = 0; j < NY; j++)
            acc[j] = C::step(acc[j], w, rows[j].y + b * int64_t(C::y_size), rows[j].d[b],
                             rows[j].aux[b]);
    }
    for (int j = 0; j < NY; j++) _mm256_storeu_ps(s + j * bs, acc[j]);
}

// format_kernels::gemm for codec C (see traits.h for the contract): each
// group against the activation rows, up to 4 at a time.
template <class C>
void gemm(int64_t n, float *s, size_t bs, const void *vx, size_t bx, int ng, const void *vy,
          size_t by, int ny) {
    const int64_t nb = n / C::QK;
    const char *x = static_cast<const char *>(vx);
    const char *y = static_cast<const char *>(vy);
    auto *meta = static_cast<float *>(
        ggml::kernel_scratch(size_t(nb) * 2 * sizeof(float) * size_t(ny < 4 ? ny : 4)));
    act_row rows[4];
    for (int j0 = 0; j0 < ny; j0 += 4) {
        const int nyc = ny - j0 < 4 ? ny - j0 : 4;
        for (int j = 0; j < nyc; j++) {
            const char *yj = y + size_t(j0 + j) * by;
            float *d = meta + size_t(j) * 2 * size_t(nb), *aux = d + nb;
            for (int64_t b = 0; b < nb; b++) {
                const act_meta m = C::act(yj + b * int64_t(C::y_size));
                d[b] = m.d;
                aux[b] = m.aux;
            }
            rows[j] = {yj, d, aux};
        }
        float *out = s + size_t(j0) * bs;
        for (int g = 0; g < ng; g++) {
            const char *xg = x + size_t(g) * bx;
            float *sg = out + size_t(g) * ROW_GROUP;
            switch (nyc) {
            case 1: group_tile<C, 1>(nb, sg, bs, xg, rows); break;
            case 2: group_tile<C, 2>(nb, sg, bs, xg, rows); break;
            case 3: group_tile<C, 3>(nb, sg, bs, xg, rows); break;
            default: group_tile<C, 4>(nb, sg, bs, xg, rows); break;
            }
        }
    }
}

// The sum of a Q8_0 activation block's 32 quants.
inline float q8_sum(const char *yb) {
    return float(hsum_i8(_mm256_loadu_si256((const __m256i *)(yb + 2))));
}

} // namespace
