// Causal attention over a KV cache of F32 or F16 (format_kernels::attend),
// the reference's algorithm (float/ref.cpp) over vectors of W floats: keys
// in blocks of W from position 0, and per block, for each query, the scores
// q.k (q already scaled), an online softmax (the running maximum m, the sums
// l of exp(s - m) and the output, both rescaled by exp(m_old - m_new) when
// the maximum grows) and the values weighted by exp(s - m). A query sees
// keys 0 .. n_first + t - 1 only; masked keys weigh exactly 0.
//
// Keys are stored element-major in blocks of GGML_KEY_BLOCK positions
// (ggml.h), so element d of W keys is one vector: a block's W scores are
// lanes of multiply-adds of the query's element d, broadcast, in element
// order, with nothing summed across lanes. A tile of up to ATTEND_TILE
// queries shares each key vector loaded (and converted from F16); a tile of
// TQ < 8 queries scores 8 / TQ (rounded down) blocks of keys together, for
// more independent sums in flight. The values are weighted in lanes of d,
// key by key.
//
// Because blocks start at fixed positions and each query's arithmetic does
// not depend on the others in its tile, a query's result is the same
// whatever batch or thread computed it. Levels differ from the reference by
// float rounding only (exp, fused multiply-adds, where the blocks of W end).
//
// The kernel is written over a policy V of vectors of V::width floats:
//   vec, zero(), set1(f), load(const float *), load(const uint16_t *) (fp16),
//   store(float *, vec), add, mul, fma(a, b, c) = a * b + c, exp(vec),
//   hmax(vec), hsum(vec),
//   first(n) -> a mask of the lanes i < n (none for n <= 0),
//   select(mask, a, b) = mask ? a : b.
// Internal linkage only (each level's file builds its own copy).
#pragma once

#include "ggml.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace ggml {

// The SIMD levels' attend takes hd a multiple of 8 (cpu/attention.cpp uses
// the scalar level otherwise) and works in tiles of ATTEND_TILE queries, the
// unit callers split work in.
constexpr int ATTEND_TILE = 8;

} // namespace ggml

namespace {

// Key j's element 0 in a cache of key blocks block_stride elements apart;
// element d is GGML_KEY_BLOCK * d further.
template <class T> const T *key_at(const T *k, size_t block_stride, int64_t j) {
    return k + size_t(j / GGML_KEY_BLOCK) * block_stride + size_t(j % GGML_KEY_BLOCK);
}

// One tile of TQ queries: outputs accumulate in out (hd floats a query).
template <class V, class T, int TQ>
void attend_tile(int64_t hd, const float *q, size_t q_stride, int64_t n_first, const T *k,
                 size_t k_stride, const T *v, size_t v_stride, float *out, size_t out_stride) {
    using vec = typename V::vec;
    constexpr int W = V::width;
    static_assert(GGML_KEY_BLOCK % W == 0, "a vector of keys lies within a block");
    constexpr int NB = TQ >= 8 ? 1 : 8 / TQ; // blocks of W keys scored together
    float m[TQ];
    vec l[TQ];
    for (int t = 0; t < TQ; t++) {
        m[t] = -INFINITY;
        l[t] = V::zero();
        for (int64_t d = 0; d < hd; d += W) V::store(out + t * out_stride + d, V::zero());
    }
    const int64_t n_keys = n_first + TQ - 1; // the last query's
    for (int64_t j1 = 0; j1 < n_keys; j1 += NB * W) {
        // scores of NB blocks (a block past the last key scores the first
        // again, and is not used)
        const T *kb[NB];
        vec s[NB][TQ];
        for (int b = 0; b < NB; b++) {
            kb[b] = key_at(k, k_stride, j1 + b * W < n_keys ? j1 + b * W : j1);
            for (int t = 0; t < TQ; t++) s[b][t] = V::zero();
        }
        for (int64_t d = 0; d < hd; d++)
            for (int b = 0; b < NB; b++) {
                const vec kd = V::load(kb[b] + d * GGML_KEY_BLOCK);
                for (int t = 0; t < TQ; t++)
                    s[b][t] = V::fma(V::set1(q[t * q_stride + d]), kd, s[b][t]);
            }
        for (int b = 0; b < NB && j1 + b * W < n_keys; b++) {
            const int64_t j0 = j1 + b * W;
            const int jn = int(n_keys - j0 < W ? n_keys - j0 : W);
            // online softmax: p = exp(s - m), masked keys 0
            alignas(64) float p[TQ][W];
            for (int t = 0; t < TQ; t++) {
                const int64_t seen = n_first + t - j0; // keys of this block the query sees
                const auto valid = V::first(seen < jn ? int(seen) : jn);
                const vec st = V::select(valid, s[b][t], V::set1(-INFINITY));
                const float mb = V::hmax(st);
                if (mb > m[t]) {
                    const vec c = V::set1(std::exp(m[t] - mb)); // 0 the first time
                    l[t] = V::mul(l[t], c);
                    for (int64_t d = 0; d < hd; d += W)
                        V::store(out + t * out_stride + d,
                                 V::mul(V::load(out + t * out_stride + d), c));
                    m[t] = mb;
                }
                const vec pt = V::select(valid, V::exp(V::add(st, V::set1(-m[t]))), V::zero());
                l[t] = V::add(l[t], pt);
                V::store(p[t], pt);
            }
            // values
            for (int64_t d = 0; d < hd; d += W) {
                vec o[TQ];
                for (int t = 0; t < TQ; t++) o[t] = V::load(out + t * out_stride + d);
                for (int jj = 0; jj < jn; jj++) {
                    const vec vj = V::load(v + (j0 + jj) * int64_t(v_stride) + d);
                    for (int t = 0; t < TQ; t++) o[t] = V::fma(V::set1(p[t][jj]), vj, o[t]);
                }
                for (int t = 0; t < TQ; t++) V::store(out + t * out_stride + d, o[t]);
            }
        }
    }
    for (int t = 0; t < TQ; t++) {
        const vec inv = V::set1(1.0f / V::hsum(l[t]));
        for (int64_t d = 0; d < hd; d += W)
            V::store(out + t * out_stride + d, V::mul(V::load(out + t * out_stride + d), inv));
    }
}

template <class V, class T, int TQ>
void attend_tiles(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first, const T *k,
                  size_t k_stride, const T *v, size_t v_stride, float *out, size_t out_stride) {
    if constexpr (TQ > 0) {
        if (nq == TQ)
            return attend_tile<V, T, TQ>(hd, q, q_stride, n_first, k, k_stride, v, v_stride, out,
                                         out_stride);
        attend_tiles<V, T, TQ - 1>(hd, nq, q, q_stride, n_first, k, k_stride, v, v_stride, out,
                                   out_stride);
    }
}

// format_kernels::attend over policy V for caches of T (float or fp16 as
// uint16_t); hd must be a multiple of V::width.
template <class V, class T>
void attend(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first, const void *vk,
            size_t k_stride, const void *vv, size_t v_stride, float *out, size_t out_stride) {
    const T *k = static_cast<const T *>(vk);
    const T *v = static_cast<const T *>(vv);
    for (int t0 = 0; t0 < nq; t0 += ggml::ATTEND_TILE)
        attend_tiles<V, T, ggml::ATTEND_TILE>(
            hd, nq - t0 < ggml::ATTEND_TILE ? nq - t0 : ggml::ATTEND_TILE,
            q + size_t(t0) * q_stride, q_stride, n_first + t0, k, k_stride / sizeof(T), v,
            v_stride / sizeof(T), out + size_t(t0) * out_stride, out_stride);
}

} // namespace
