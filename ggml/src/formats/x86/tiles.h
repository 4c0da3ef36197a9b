// The x86 driver of the quantized dot products: vec_dot and the gemm tile
// of every block format, given a codec that decodes a block of 4 weight rows
// and takes its integer dot products with one activation block.
//
// Every result is computed exactly as the scalar reference does: per block
// the exact integer sum, then sum += float(sumi) * (dx * dy) (plus Q4_1's
// m * s) in block order, each operation rounded once (ggml is built with
// -ffp-contract=off). SIMD lanes hold 4 weight rows, never parts of one sum,
// so vec_dot, any gemm tile and the reference agree bit for bit.
//
// Internal linkage only (see common.h).
#pragma once

#include "formats/scratch.h"
#include "formats/x86/common.h"

namespace {

// What a codec needs of one activation block, computed once per call for all
// the weight rows: its scale and the format's extra term (the block's
// integer sum for zero-point formats, Q8_1's s for Q4_1).
struct act_meta {
    float d;
    float aux;
};

// 4 vectors of 8 int16 partial sums (each pair of lanes summing within
// int16) -> their 4 totals as int32.
inline __m128i reduce4_i16(__m128i p0, __m128i p1, __m128i p2, __m128i p3) {
    const __m128i ones = _mm_set1_epi16(1);
    const __m128i a = _mm_madd_epi16(
        _mm_add_epi16(_mm_unpacklo_epi64(p0, p1), _mm_unpackhi_epi64(p0, p1)), ones);
    const __m128i b = _mm_madd_epi16(
        _mm_add_epi16(_mm_unpacklo_epi64(p2, p3), _mm_unpackhi_epi64(p2, p3)), ones);
    // a = [p0 p0 p1 p1], b = [p2 p2 p3 p3]: add the even and odd lanes
    const __m128 af = _mm_castsi128_ps(a), bf = _mm_castsi128_ps(b);
    return _mm_add_epi32(_mm_castps_si128(_mm_shuffle_ps(af, bf, _MM_SHUFFLE(2, 0, 2, 0))),
                         _mm_castps_si128(_mm_shuffle_ps(af, bf, _MM_SHUFFLE(3, 1, 3, 1))));
}

// 4 vectors of 4 int32 -> their 4 totals.
inline __m128i reduce4_i32(__m128i p0, __m128i p1, __m128i p2, __m128i p3) {
    const __m128i a = _mm_add_epi32(_mm_unpacklo_epi32(p0, p1), _mm_unpackhi_epi32(p0, p1));
    const __m128i b = _mm_add_epi32(_mm_unpacklo_epi32(p2, p3), _mm_unpackhi_epi32(p2, p3));
    return _mm_add_epi32(_mm_unpacklo_epi64(a, b), _mm_unpackhi_epi64(a, b));
}

// The first 4 bytes of each of 4 rows' blocks as the 4 lanes of a vector
// (where the blocks keep d, and z or m).
inline __m128i gather_heads(const char *const p[4]) {
    const __m128i r01 = _mm_unpacklo_epi32(_mm_loadu_si32(p[0]), _mm_loadu_si32(p[1]));
    const __m128i r23 = _mm_unpacklo_epi32(_mm_loadu_si32(p[2]), _mm_loadu_si32(p[3]));
    return _mm_unpacklo_epi64(r01, r23);
}

// The fp16 in the low half of each lane, as floats.
inline __m128 low_halves_to_f32(__m128i heads) {
    const __m128i d16 = _mm_shuffle_epi8(
        heads, _mm_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1));
    return _mm_cvtph_ps(d16);
}

// Rows i0 .. i0+3 of the tile (the last row repeated past nx) against
// activation rows j0 .. j0+NY-1, over nb blocks; each weight block is
// decoded once for all NY activation rows.
template <class F, int NY>
void tile_4xNY(int64_t nb, float *s, size_t bs, const char *const x[4], int nvalid,
               const char *const y[NY], const act_meta *const meta[NY]) {
    __m128 acc[NY];
    for (int j = 0; j < NY; j++) acc[j] = _mm_setzero_ps();
    const char *blk[4];
    for (int64_t b = 0; b < nb; b++) {
        for (int r = 0; r < 4; r++) blk[r] = x[r] + b * int64_t(F::x_size);
        const typename F::weights w = F::decode(blk);
        for (int j = 0; j < NY; j++) {
            const char *yq = y[j] + b * int64_t(F::y_size) + F::y_qs;
            const __m128i dot = F::dot(w, blk, _mm_loadu_si128((const __m128i *)yq),
                                       _mm_loadu_si128((const __m128i *)(yq + 16)));
            acc[j] = _mm_add_ps(acc[j], F::term(dot, w, meta[j][b]));
        }
    }
    for (int j = 0; j < NY; j++) {
        float out[4];
        _mm_storeu_ps(out, acc[j]);
        for (int r = 0; r < nvalid; r++) s[j * bs + r] = out[r];
    }
}

// format_kernels::gemm for codec F (see traits.h for the contract).
template <class F>
void gemm(int64_t n, float *s, size_t bs, const void *vx, size_t bx, int nx, const void *vy,
          size_t by, int ny) {
    const int64_t nb = n / 32;
    const char *x = static_cast<const char *>(vx);
    const char *y = static_cast<const char *>(vy);
    auto *meta = static_cast<act_meta *>(ggml::kernel_scratch(size_t(nb * ny) * sizeof(act_meta)));
    for (int j = 0; j < ny; j++)
        for (int64_t b = 0; b < nb; b++) meta[j * nb + b] = F::act(y + j * by + b * F::y_size);

    for (int i0 = 0; i0 < nx; i0 += 4) {
        const int nvalid = nx - i0 < 4 ? nx - i0 : 4;
        const char *rows[4];
        for (int r = 0; r < 4; r++) rows[r] = x + size_t(i0 + (r < nvalid ? r : nvalid - 1)) * bx;
        for (int j0 = 0; j0 < ny; j0 += 4) {
            const char *ys[4];
            const act_meta *ms[4];
            const int nyc = ny - j0 < 4 ? ny - j0 : 4;
            for (int j = 0; j < nyc; j++) {
                ys[j] = y + size_t(j0 + j) * by;
                ms[j] = meta + (j0 + j) * nb;
            }
            float *out = s + size_t(j0) * bs + i0;
            switch (nyc) {
            case 1: tile_4xNY<F, 1>(nb, out, bs, rows, nvalid, ys, ms); break;
            case 2: tile_4xNY<F, 2>(nb, out, bs, rows, nvalid, ys, ms); break;
            case 3: tile_4xNY<F, 3>(nb, out, bs, rows, nvalid, ys, ms); break;
            default: tile_4xNY<F, 4>(nb, out, bs, rows, nvalid, ys, ms); break;
            }
        }
    }
}

// format_kernels::vec_dot: the 1 x 1 tile.
template <class F>
void vec_dot(int64_t n, float *s, const void *x, const void *y) {
    gemm<F>(n, s, 0, x, 0, 1, y, 0, 1);
}

} // namespace
