// The driver of every SIMD quantized dot product: vec_dot and the gemm tile
// of each block format, given an ISA codec that decodes one block of 4
// weight rows and adds its dot products with one activation block to 4
// accumulator lanes.
//
// Every result is computed exactly as the scalar reference does: per block
// the exact integer sum, then sum += float(sumi) * (dx * dy) (plus Q4_1's
// m * s) in block order, each operation rounded once (ggml is built with
// -ffp-contract=off). SIMD lanes hold 4 weight rows, never parts of one sum,
// so vec_dot, any gemm tile and the reference agree bit for bit.
//
// Included by the kernel files, each built with its own ISA flags: all of it
// has internal linkage, so no file's copy can stand in for another's.
#pragma once

#include "formats/scratch.h"

#include <cstddef>
#include <cstdint>

namespace {

// What a codec needs of one activation block, computed once per gemm call
// for all the weight rows: its scale and the format's extra term (the
// block's integer sum for zero-point formats, Q8_1's s for Q4_1).
struct act_meta {
    float d;
    float aux;
};

// Blocks between prefetches of a row: at most 21 bytes a block, so every
// 64-byte line is prefetched.
constexpr int64_t prefetch_every = 3;

// A codec F provides: x_size, y_size (block bytes), y_qs (offset of the
// activation quants in their block); act(y block) -> act_meta; weights
// decode(4 block pointers); acc zero(); acc step(acc, weights, blocks, y
// quants, act_meta); store(acc, float[4]).

// Rows x[0..3] (the last valid row repeated past nvalid) against activation
// rows y[0..NY-1] over nb blocks; each weight block is decoded once for all
// NY activation rows. Meanwhile the same bytes of the rows `ahead` bytes on
// (the next group of 4) are prefetched: a group is 4 short streams the
// hardware prefetcher would only pick up once they are half read.
template <class F, int NY>
void tile_4xNY(int64_t nb, float *s, size_t bs, const char *const x[4], int nvalid,
               const char *const y[NY], const act_meta *const meta[NY], ptrdiff_t ahead) {
    typename F::acc acc[NY];
    for (int j = 0; j < NY; j++)
        acc[j] = F::zero();
    const char *blk[4];
    int64_t until_prefetch = 0;
    for (int64_t b = 0; b < nb; b++) {
        for (int r = 0; r < 4; r++)
            blk[r] = x[r] + b * int64_t(F::x_size);
        if (until_prefetch-- == 0) {
            until_prefetch = prefetch_every - 1;
            for (int r = 0; r < 4; r++)
                __builtin_prefetch(blk[r] + ahead);
        }
        const typename F::weights w = F::decode(blk);
        for (int j = 0; j < NY; j++)
            acc[j] = F::step(acc[j], w, blk, y[j] + b * int64_t(F::y_size) + F::y_qs, meta[j][b]);
    }
    for (int j = 0; j < NY; j++) {
        float out[4];
        F::store(acc[j], out);
        for (int r = 0; r < nvalid; r++)
            s[j * bs + r] = out[r];
    }
}

// format_kernels::gemm for codec F (see traits.h for the contract): rows in
// groups of 4, activation rows in groups of up to 4.
template <class F>
void gemm(int64_t n, float *s, size_t bs, const void *vx, size_t bx, int nx, const void *vy,
          size_t by, int ny) {
    const int64_t nb = n / 32;
    const char *x = static_cast<const char *>(vx);
    const char *y = static_cast<const char *>(vy);
    auto *meta = static_cast<act_meta *>(ggml::kernel_scratch(size_t(nb * ny) * sizeof(act_meta)));
    for (int j = 0; j < ny; j++)
        for (int64_t b = 0; b < nb; b++)
            meta[j * nb + b] = F::act(y + j * by + b * F::y_size);

    for (int i0 = 0; i0 < nx; i0 += 4) {
        const int nvalid = nx - i0 < 4 ? nx - i0 : 4;
        const char *rows[4];
        for (int r = 0; r < 4; r++)
            rows[r] = x + size_t(i0 + (r < nvalid ? r : nvalid - 1)) * bx;
        for (int j0 = 0; j0 < ny; j0 += 4) {
            const char *ys[4];
            const act_meta *ms[4];
            const int nyc = ny - j0 < 4 ? ny - j0 : 4;
            for (int j = 0; j < nyc; j++) {
                ys[j] = y + size_t(j0 + j) * by;
                ms[j] = meta + (j0 + j) * nb;
            }
            float *out = s + size_t(j0) * bs + i0;
            const ptrdiff_t ahead = ptrdiff_t(4 * bx);
            switch (nyc) {
            case 1:
                tile_4xNY<F, 1>(nb, out, bs, rows, nvalid, ys, ms, ahead);
                break;
            case 2:
                tile_4xNY<F, 2>(nb, out, bs, rows, nvalid, ys, ms, ahead);
                break;
            case 3:
                tile_4xNY<F, 3>(nb, out, bs, rows, nvalid, ys, ms, ahead);
                break;
            default:
                tile_4xNY<F, 4>(nb, out, bs, rows, nvalid, ys, ms, ahead);
                break;
            }
        }
    }
}

// format_kernels::vec_dot: the 1 x 1 tile.
template <class F> void vec_dot(int64_t n, float *s, const void *x, const void *y) {
    gemm<F>(n, s, 0, x, 0, 1, y, 0, 1);
}

} // namespace
