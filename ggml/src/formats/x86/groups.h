// The driver of every x86 quantized gemm (format_kernels::gemm): weight rows
// in groups of 8 (formats/row_groups.h) against activation rows, given a
// codec C<W> of one format over a vector width W (x86/widths.h):
//   QK, x_size, y_size   elements per block, bytes of a weight block and of
//                        an activation block;
//   act(y block)         -> act_meta: what the block's float terms need of
//                        the activation block (its scale, and a sum the
//                        format's offset or minimum multiplies);
//   decode(group blocks) -> weights: block b of W::GROUPS groups' rows (the
//                        group at x and those bx bytes after it), in
//                        registers;
//   step(acc, weights, y block, d, aux) -> acc: block b's terms added to the
//                        rows' dot sums, in the order of the format's
//                        reference (formats/dot_sum.h).
// A block of 32 whose integer terms are one dot product of 8 chunks of
// unsigned quants (weights::q, or sub::q below) with the activation's bytes
// may leave that product to the driver, which runs the activation rows'
// products side by side (with VNNI, one vpdpbusd chain a row: alone, a
// row's chain waits on the instruction's latency):
//   dot(q, activation quants) -> sums: the integer dot product of a row,
//                        where the driver does not take it (without VNNI);
//   step_dot(acc, weights, sum, d, aux) -> acc: the float terms of sum,
//                        which starts from act_meta::seed (the integer
//                        offset term of the block), instead of step.
// One activation block spans one weight block (QK elements of each: Q8_0's
// 32 for the blocks of 32, Q8_K's 256 for the super-blocks), except in the
// codecs that cut a block into SUBS sub-blocks, each against its own
// activation block (32 elements, QK = 32 SUBS), after the whole block's
// fields:
//   decode(group blocks) -> weights: the fields the sub-blocks share;
//   decode_sub<S>(group blocks) -> sub: sub-block S's quants;
//   step_sub(acc, weights, sub, y block, d, aux) -> acc: its terms added,
//                        or step_sub_dot(acc, weights, sum, d, aux) as
//                        step_dot.
//
// A super-block's 256 quants do not fit in registers, and its reference
// sums integers over the whole block before any float term, so a codec may
// instead cut its block into PARTS parts of 32 elements, decoded one at a
// time for all activation rows, with an integer sum per row carried across
// them:
//   decode(group blocks) -> weights: what the whole block needs (scales);
//   decode_part<P>(group blocks, weights) -> part: part P's quants;
//   step_part<P>(sum, part, y block) -> sum: part P's integer terms;
//   finish(acc, sum, weights, y block, d, aux) -> acc: the block's float
//                        terms (and those of its mins) added to the sums.
// acc holds one sum per row in its lanes (8 rows for 256-bit vectors, two
// groups' 16 for 512-bit ones), so every result is bit-identical with the
// reference's vec_dot of its row.
//
// Built into the AVX2 files and the AVX-512 ones (twice: with and without
// VNNI); AVX-512 takes two groups a vector (the last odd one alone), but
// one for a super-block format's matrix-vector product.
// Internal linkage only (see x86/common.h).
#pragma once

#include "formats/row_groups.h"
#include "formats/scratch.h"
#include "formats/x86/widths.h"

namespace {

using ggml::ROW_GROUP;

// What a block's terms need of its activation block: its scale, a float
// for the format's offset or minimum to multiply, and the integer its dot
// product starts from (step_dot).
struct act_meta {
    float d;
    float aux;
    int32_t seed = 0;
};

// An activation row as the tiles read it: its blocks, and d, aux and seed of
// each.
struct act_row {
    const char *y;
    const float *d, *aux;
    const int32_t *seed;
};

// Activation rows a tile takes at once: a group block is decoded once for
// all of them, and their accumulators and the decoded quants stay in
// registers (16 vector registers on AVX2, 32 on AVX-512).
#if defined(__AVX512F__)
constexpr int MAX_NY = 8;
#else
constexpr int MAX_NY = 4;
#endif

// A part's index as a type, so that its offsets and shifts are constants.
template <int P> struct part_index { static constexpr int value = P; };

// Parts P..N-1 of a block, in order: f(part_index<P>()), ...
template <int P, int N, class F> GGML_FORCE_INLINE void for_parts(F &&f) {
    if constexpr (P < N) {
        f(part_index<P>());
        for_parts<P + 1, N>(f);
    }
}

// The NY rows' integer dot products of activation block a with the 8 chunks
// q, each from its seed, for codec C's step_dot or step_sub_dot.
template <class C, class W, int NY>
GGML_FORCE_INLINE void dot_rows(typename W::iv sum[NY], const typename W::iv q[8],
                                const act_row *rows, int64_t a) {
    for (int j = 0; j < NY; j++) sum[j] = W::set1_32(uint32_t(rows[j].seed[a]));
#if defined(__AVX512VNNI__)
    for (int c = 0; c < 8; c++)
        for (int j = 0; j < NY; j++)
            sum[j] =
                W::dpbusd(sum[j], q[c], W::chunk(rows[j].y + a * int64_t(C::y_size) + C::y_qs, c));
#else
    for (int j = 0; j < NY; j++)
        sum[j] = W::add32(sum[j], C::dot(q, rows[j].y + a * int64_t(C::y_size) + C::y_qs));
#endif
}

// W::GROUPS groups (x, x + bx, ...) against NY activation rows.
template <template <class> class C, class W, int NY>
void group_tile(int64_t nb, float *s, size_t bs, const char *x, size_t bx, const act_row *rows) {
    using codec = C<W>;
    typename W::fv acc[NY];
    for (int j = 0; j < NY; j++) acc[j] = W::fzero();
    // The hardware prefetcher follows one stream well but starts each group
    // cold, and with short rows (K = 768: 3.4 KB a group) the restarts cost
    // half the bandwidth (10.9 against 24 GB/s, bench kernels at that
    // shape). So block b of the next W::GROUPS groups is fetched into L2
    // while block b of these is used. Past the last group this prefetches
    // addresses that may not exist, which a prefetch never faults on.
    const char *next = x + W::GROUPS * bx;
    for (int64_t b = 0; b < nb; b++) {
        const char *xb = x + b * ROW_GROUP * int64_t(codec::x_size);
        for (int line = 0; line < int(ROW_GROUP * codec::x_size); line += 64)
            for (int g = 0; g < W::GROUPS; g++)
                _mm_prefetch(next + (xb - x) + g * bx + line, _MM_HINT_T1);
        const int64_t yoff = b * int64_t(codec::y_size);
        const typename codec::weights w = codec::decode(xb, bx);
        if constexpr (requires { codec::SUBS; }) {
            for_parts<0, codec::SUBS>([&](auto p) {
                constexpr int S = decltype(p)::value;
                const typename codec::sub q = codec::template decode_sub<S>(xb, bx);
                const int64_t a = b * codec::SUBS + S; // the activation block
                if constexpr (requires { &codec::step_sub_dot; }) {
                    typename W::iv sum[NY];
                    dot_rows<codec, W, NY>(sum, q.q, rows, a);
                    for (int j = 0; j < NY; j++)
                        acc[j] =
                            codec::step_sub_dot(acc[j], w, sum[j], rows[j].d[a], rows[j].aux[a]);
                } else {
                    for (int j = 0; j < NY; j++)
                        acc[j] =
                            codec::step_sub(acc[j], w, q, rows[j].y + a * int64_t(codec::y_size),
                                            rows[j].d[a], rows[j].aux[a]);
                }
            });
        } else if constexpr (requires { codec::PARTS; }) {
            typename W::iv sum[NY];
            for (int j = 0; j < NY; j++) sum[j] = W::izero();
            for_parts<0, codec::PARTS>([&](auto p) {
                constexpr int P = decltype(p)::value;
                const typename codec::part q = codec::template decode_part<P>(xb, bx, w);
                for (int j = 0; j < NY; j++)
                    sum[j] = codec::template step_part<P>(sum[j], q, rows[j].y + yoff);
            });
            for (int j = 0; j < NY; j++)
                acc[j] = codec::finish(acc[j], sum[j], w, rows[j].y + yoff, rows[j].d[b],
                                       rows[j].aux[b]);
        } else if constexpr (requires { &codec::step_dot; }) {
            typename W::iv sum[NY];
            dot_rows<codec, W, NY>(sum, w.q, rows, b);
            for (int j = 0; j < NY; j++)
                acc[j] = codec::step_dot(acc[j], w, sum[j], rows[j].d[b], rows[j].aux[b]);
        } else {
            for (int j = 0; j < NY; j++)
                acc[j] = codec::step(acc[j], w, rows[j].y + yoff, rows[j].d[b], rows[j].aux[b]);
        }
    }
    for (int j = 0; j < NY; j++) W::store(s + j * bs, acc[j]);
}

// Activation blocks a weight block of codec C spans.
template <class C> constexpr int64_t act_blocks() {
    if constexpr (requires { C::SUBS; })
        return C::SUBS;
    else
        return 1;
}

template <template <class> class C, class W>
void group_tiles(int nyc, int64_t nb, float *s, size_t bs, const char *x, size_t bx,
                 const act_row *rows) {
    switch (nyc) {
    case 1: group_tile<C, W, 1>(nb, s, bs, x, bx, rows); break;
    case 2: group_tile<C, W, 2>(nb, s, bs, x, bx, rows); break;
    case 3: group_tile<C, W, 3>(nb, s, bs, x, bx, rows); break;
#if defined(__AVX512F__)
    case 4: group_tile<C, W, 4>(nb, s, bs, x, bx, rows); break;
    case 5: group_tile<C, W, 5>(nb, s, bs, x, bx, rows); break;
    case 6: group_tile<C, W, 6>(nb, s, bs, x, bx, rows); break;
    case 7: group_tile<C, W, 7>(nb, s, bs, x, bx, rows); break;
    default: group_tile<C, W, 8>(nb, s, bs, x, bx, rows); break;
#else
    default: group_tile<C, W, 4>(nb, s, bs, x, bx, rows); break;
#endif
    }
}

// format_kernels::gemm for codec C (see traits.h for the contract): the
// groups against the activation rows, up to MAX_NY at a time.
template <template <class> class C>
void gemm(int64_t n, float *s, size_t bs, const void *vx, size_t bx, int ng, const void *vy,
          size_t by, int ny) {
    using narrow = C<ymm>;
    const int64_t nb = n / narrow::QK;
    const int64_t na = nb * act_blocks<narrow>(); // activation blocks a row
    const char *x = static_cast<const char *>(vx);
    const char *y = static_cast<const char *>(vy);
    static_assert(sizeof(float) == sizeof(int32_t));
    auto *meta = static_cast<float *>(
        ggml::kernel_scratch(size_t(na) * 3 * sizeof(float) * size_t(ny < MAX_NY ? ny : MAX_NY)));
    act_row rows[MAX_NY];
    for (int j0 = 0; j0 < ny; j0 += MAX_NY) {
        const int nyc = ny - j0 < MAX_NY ? ny - j0 : MAX_NY;
        for (int j = 0; j < nyc; j++) {
            const char *yj = y + size_t(j0 + j) * by;
            float *d = meta + size_t(j) * 3 * size_t(na), *aux = d + na;
            auto *seed = reinterpret_cast<int32_t *>(aux + na);
            for (int64_t b = 0; b < na; b++) {
                const act_meta m = narrow::act(yj + b * int64_t(narrow::y_size));
                d[b] = m.d;
                aux[b] = m.aux;
                seed[b] = m.seed;
            }
            rows[j] = {yj, d, aux, seed};
        }
        float *out = s + size_t(j0) * bs;
        int g = 0;
#if defined(__AVX512F__)
        // A super-block format's matrix-vector product streams faster one
        // group a vector (bench kernels on Zen 4, 1 thread, GB/s: Q6_K 23.6
        // against 11.0, Q5_K 28.1 against 21.6); the blocks of 32 keep two
        // (one group cost a model held in L3, stories15M Q4_0, a sixth of
        // its 1-thread generation and half at 2 threads).
        if (nyc > 1 || !requires { C<zmm>::PARTS; })
            for (; g + 2 <= ng; g += 2)
                group_tiles<C, zmm>(nyc, nb, out + size_t(g) * ROW_GROUP, bs, x + size_t(g) * bx,
                                    bx, rows);
#endif
        for (; g < ng; g++)
            group_tiles<C, ymm>(nyc, nb, out + size_t(g) * ROW_GROUP, bs, x + size_t(g) * bx, bx,
                                rows);
    }
}

// The sum of a Q8_0 activation block's 32 quants.
inline int q8_sum(const char *yb) { return hsum_i8(_mm256_loadu_si256((const __m256i *)(yb + 2))); }

// Without VNNI (with it, dot_rows runs vpdpbusd itself), per lane (row), the
// sum over the 8 chunks of the products of unsigned weight quants q[c] (at
// most 15) with the activation's signed bytes: maddubs lanes are at most
// 2 * 15 * 127 = 3810 (the quantizers never write -128), so all 8 chunks
// add up in int16 (30480) before one madd widens them.
template <class W> inline typename W::iv dot_small(const typename W::iv q[8], const char *qs) {
    typename W::iv t = W::maddubs(q[0], W::chunk(qs, 0));
    for (int c = 1; c < 8; c++) t = W::add16(t, W::maddubs(q[c], W::chunk(qs, c)));
    return W::madd1(t);
}

// The pair sums of signed weight bytes q with signed activation bytes y
// (maddubs wants one side unsigned): |q| (128 for -128, read unsigned)
// times y with q's sign, 16 bits a pair: at most 2 * 128 * 127, within
// int16, as y is never -128 (the activation quantizers' range is +-127).
template <class W> inline typename W::iv signed_pairs(typename W::iv q, typename W::iv y) {
    return W::maddubs(W::abs8(q), W::sign8(y, q));
}

// As dot_small for quants of up to 5 bits (at most 31): maddubs lanes reach
// 2 * 31 * 127 = 7874, so 4 chunks add up in int16 (31496) before madd
// widens them.
template <class W> inline typename W::iv dot_5bit(const typename W::iv q[8], const char *qs) {
    typename W::iv half[2];
    for (int h = 0; h < 2; h++) {
        typename W::iv t = W::maddubs(q[4 * h], W::chunk(qs, 4 * h));
        for (int c = 4 * h + 1; c < 4 * h + 4; c++)
            t = W::add16(t, W::maddubs(q[c], W::chunk(qs, c)));
        half[h] = W::madd1(t);
    }
    return W::add32(half[0], half[1]);
}

// lo plus v (a bit lo's bytes never have set) in the bytes of chunk C
// (elements 4C..4C+3 of each row) whose bit is set in the row's bit plane:
// h holds each row's 32-bit mask in its lane, element j's bit at bit j % 8
// of byte j / 8 (Q3_Z's qh, Q5_0's and Q5_1's), so chunk C's bits are bits
// 4 (C % 2) + 0..3 of byte C / 2.
template <class W, int C>
inline typename W::iv add_plane_bit(typename W::iv lo, typename W::iv h, char v) {
    // byte C / 2 of each row's mask in all 4 bytes of its lane, and the bit
    // of each byte
    constexpr char i = C / 2;
    const typename W::iv sel = W::shuffle8(
        h, W::bcast128(_mm_setr_epi8(i, i, i, i, i + 4, i + 4, i + 4, i + 4, i + 8, i + 8, i + 8,
                                     i + 8, i + 12, i + 12, i + 12, i + 12)));
    return W::add_where(lo, sel, W::set1_32(0x08040201u << (4 * (C % 2))), v);
}

// sum + (dx * dy) * t per row, one rounding for the product of the scales
// (exact for two fp16) and one for the multiply-add, as the reference.
template <class W>
inline typename W::fv add_scaled(typename W::fv sum, typename W::fv t, typename W::fv dx,
                                 float dy) {
    return W::fma(t, W::mul(dx, W::fset1(dy)), sum);
}

} // namespace
