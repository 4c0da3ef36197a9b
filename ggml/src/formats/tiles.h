// The driver of every SIMD quantized dot product: vec_dot and the gemm tile
// of each block format, given an ISA codec that decodes 4 consecutive blocks
// (a quad) of one weight row and adds their terms to 4 accumulator lanes.
//
// Results follow the reference's order (formats/dot_partials.h): exact
// integer sums per block, then block b's fma(float(sumi), dx * dy, partial)
// into partial b % 8. A codec keeps partials 0..3 in one accumulator and
// 4..7 in another, so a quad's 4 integer sums come out of one transposing
// reduction and are scaled by one vector operation: no horizontal sum per
// block. vec_dot, every gemm tile and the reference agree bit for bit.
//
// Weight rows are walked one at a time, so a thread's rows are one
// sequential stream for the hardware prefetcher.
//
// Included by the kernel files, each built with its own ISA flags: all of it
// has internal linkage, so no file's copy can stand in for another's.
#pragma once

#include "formats/scratch.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

constexpr int64_t QUAD = 4;    // blocks per codec step
constexpr int64_t QK = 32;     // elements per block
constexpr int MAX_X_SIZE = 36; // bytes of the largest block (Q8_1; weights reach Q8_0's 34)

// What a codec needs of one activation block: its scale and the format's
// extra term (the block's integer sum for zero-point formats, Q8_1's s for
// Q4_1).
struct act_meta {
    float d;
    float aux;
};

// An activation row as the codecs read it, prepared once per gemm call and
// shared by all the weight rows: per block its 32 quants (in the order the
// codec's decode produces weights), d and aux as arrays so a quad's are one
// vector load. Padded with zero blocks to whole quads.
struct act_row {
    const int8_t *q;
    const float *d, *aux;
};

// Bytes ahead of the block being read that each quad prefetches: the
// hardware prefetcher follows the row stream, but not far enough ahead to
// keep enough misses in flight for one core.
constexpr ptrdiff_t prefetch_ahead = 1024;

// A codec F provides: x_size (block bytes), acc, zero(), total(acc, acc)
// (partials 0..3 and 4..7 -> the dot product, in dot_partials' order);
// act(activation block, int8_t q[32]) -> act_meta; weights decode(first
// block of a quad); acc step(acc, weights, quants, d, aux of the quad's
// activation blocks).

// HALF is a template argument so that the accumulators stay in registers.
template <class F, int NY, int HALF>
inline void step_quad(typename F::acc acc[NY][2], const char *x, const act_row *y, int64_t q) {
    const typename F::weights w = F::decode(x);
    for (int j = 0; j < NY; j++)
        acc[j][HALF] = F::step(acc[j][HALF], w, y[j].q + q * QUAD * QK, y[j].d + q * QUAD,
                               y[j].aux + q * QUAD);
}

// One weight row x (nb blocks) against activation rows y[0..NY-1]:
// s[j * bs] = dot(x, y[j]).
template <class F, int NY>
void row_tile(int64_t nb, float *s, size_t bs, const char *x, const act_row *y) {
    constexpr int64_t quad_bytes = QUAD * F::x_size;
    typename F::acc acc[NY][2];
    for (int j = 0; j < NY; j++) acc[j][0] = acc[j][1] = F::zero();
    const int64_t nq = nb / QUAD;
    int64_t q = 0;
    for (; q + 2 <= nq; q += 2) {
        const char *xq = x + q * quad_bytes;
        __builtin_prefetch(xq + prefetch_ahead);
        __builtin_prefetch(xq + prefetch_ahead + 64);
        if (quad_bytes > 64) __builtin_prefetch(xq + prefetch_ahead + 128);
        step_quad<F, NY, 0>(acc, xq, y, q);
        step_quad<F, NY, 1>(acc, xq + quad_bytes, y, q + 1);
    }
    if (q < nq) {
        step_quad<F, NY, 0>(acc, x + q * quad_bytes, y, q);
        q++;
    }
    if (const int64_t rest = nb - q * QUAD; rest > 0) {
        // the last blocks in a zeroed quad (d = 0, quants 0), as the
        // activation rows are padded
        char pad[QUAD * MAX_X_SIZE] = {};
        std::memcpy(pad, x + q * quad_bytes, size_t(rest * F::x_size));
        if (q % 2)
            step_quad<F, NY, 1>(acc, pad, y, q);
        else
            step_quad<F, NY, 0>(acc, pad, y, q);
    }
    for (int j = 0; j < NY; j++) s[j * bs] = F::total(acc[j][0], acc[j][1]);
}

// Activation row y (nb blocks) in the codecs' form, padded to np blocks.
template <class F>
void prepare_act(int64_t nb, int64_t np, const char *y, int8_t *q, float *d, float *aux) {
    for (int64_t b = 0; b < nb; b++) {
        const act_meta m = F::act(y + b * int64_t(F::y_size), q + b * QK);
        d[b] = m.d;
        aux[b] = m.aux;
    }
    std::memset(q + nb * QK, 0, size_t((np - nb) * QK));
    for (int64_t b = nb; b < np; b++) d[b] = aux[b] = 0.0f;
}

// format_kernels::gemm for codec F (see traits.h for the contract): each
// weight row against the activation rows in groups of up to 4.
template <class F>
void gemm(int64_t n, float *s, size_t bs, const void *vx, size_t bx, int nx, const void *vy,
          size_t by, int ny) {
    static_assert(F::x_size <= MAX_X_SIZE);
    const int64_t nb = n / QK;
    const int64_t np = (nb + QUAD - 1) / QUAD * QUAD;
    const char *x = static_cast<const char *>(vx);
    const char *y = static_cast<const char *>(vy);
    // per activation row: np * 32 quants, then np d and np aux
    const size_t row_bytes = size_t(np) * (QK + 2 * sizeof(float));
    char *scratch = static_cast<char *>(ggml::kernel_scratch(row_bytes * size_t(ny < 4 ? ny : 4)));
    act_row rows[4];

    for (int j0 = 0; j0 < ny; j0 += 4) {
        const int nyc = ny - j0 < 4 ? ny - j0 : 4;
        for (int j = 0; j < nyc; j++) {
            char *base = scratch + size_t(j) * row_bytes;
            auto *q = reinterpret_cast<int8_t *>(base);
            auto *d = reinterpret_cast<float *>(base + np * QK);
            prepare_act<F>(nb, np, y + size_t(j0 + j) * by, q, d, d + np);
            rows[j] = {q, d, d + np};
        }
        float *out = s + size_t(j0) * bs;
        for (int i = 0; i < nx; i++) {
            const char *xi = x + size_t(i) * bx;
            switch (nyc) {
            case 1: row_tile<F, 1>(nb, out + i, bs, xi, rows); break;
            case 2: row_tile<F, 2>(nb, out + i, bs, xi, rows); break;
            case 3: row_tile<F, 3>(nb, out + i, bs, xi, rows); break;
            default: row_tile<F, 4>(nb, out + i, bs, xi, rows); break;
            }
        }
    }
}

// format_kernels::vec_dot: the 1 x 1 tile.
template <class F> void vec_dot(int64_t n, float *s, const void *x, const void *y) {
    gemm<F>(n, s, 0, x, 0, 1, y, 0, 1);
}

} // namespace
