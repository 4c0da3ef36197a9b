// Causal attention over a KV cache of F32 or F16 rows (format_kernels::attend),
// the reference's algorithm (float/ref.cpp) over vectors of W floats: keys in
// blocks of W from position 0, and per block, for each query, the scores q.k
// (q already scaled), an online softmax (the running maximum m, the sums l of
// exp(s - m) and the output, both rescaled by exp(m_old - m_new) when the
// maximum grows) and the values weighted by exp(s - m). A query sees keys
// 0 .. n_first + t - 1 only; masked keys weigh exactly 0.
//
// A tile of up to ATTEND_TILE queries shares each block's keys (put into a
// buffer as floats once for the tile) and values. A score is a dot product
// in lanes of d; the W dot products of a block are summed across their lanes
// together (V::sum_lanes), which leaves one vector of W scores, the lanes of
// the softmax; the values are weighted in lanes of d, key by key.
//
// Because blocks start at fixed positions and each query's arithmetic does
// not depend on the others in its tile, a query's result is the same
// whatever batch or thread computed it. Levels differ from the reference by
// float rounding only (the order of a dot product's sums, exp, and where
// the blocks of W end).
//
// The kernel is written over a policy V of vectors of V::width floats:
//   vec, zero(), set1(f), load(const float *), load(const uint16_t *) (fp16),
//   store(float *, vec), add, mul, fma(a, b, c) = a * b + c, exp(vec),
//   hmax(vec), hsum(vec),
//   sum_lanes(const vec a[W]) -> vec whose lane j is hsum(a[j]),
//   first(n) -> a mask of the lanes i < n (none for n <= 0),
//   select(mask, a, b) = mask ? a : b.
// Internal linkage only (each level's file builds its own copy).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace ggml {

// The SIMD levels' attend takes hd a multiple of 8 up to ATTEND_MAX_HEAD
// (cpu/attention.cpp uses the scalar level otherwise) and works in tiles of
// ATTEND_TILE queries, the unit callers split work in.
constexpr int64_t ATTEND_MAX_HEAD = 256;
constexpr int ATTEND_TILE = 8;

} // namespace ggml

namespace {

// A block's n keys as float rows ATTEND_MAX_HEAD apart in buf (F16 converted,
// F32 copied: fixed offsets let the scores' loop address every key from one
// pointer), rows past the last key zero: their scores are masked.
template <class V, class T>
void key_rows(const T *k, size_t stride, int n, int64_t hd, float *buf) {
    for (int j = 0; j < V::width; j++)
        for (int64_t d = 0; d < hd; d += V::width)
            V::store(buf + j * ggml::ATTEND_MAX_HEAD + d,
                     j < n ? V::load(k + j * stride + d) : V::zero());
}

// One tile of TQ queries: outputs accumulate in out (hd floats a query).
template <class V, class T, int TQ>
void attend_tile(int64_t hd, const float *q, size_t q_stride, int64_t n_first, const T *k,
                 const T *v, size_t kv_stride, float *out, size_t out_stride) {
    using vec = typename V::vec;
    constexpr int W = V::width;
    alignas(64) float kbuf[W * ggml::ATTEND_MAX_HEAD];
    float m[TQ];
    vec l[TQ];
    for (int t = 0; t < TQ; t++) {
        m[t] = -INFINITY;
        l[t] = V::zero();
        for (int64_t d = 0; d < hd; d += W) V::store(out + t * out_stride + d, V::zero());
    }
    const int64_t n_keys = n_first + TQ - 1; // the last query's
    for (int64_t j0 = 0; j0 < n_keys; j0 += W) {
        const int jn = int(n_keys - j0 < W ? n_keys - j0 : W);
        key_rows<V>(k + j0 * int64_t(kv_stride), kv_stride, jn, hd, kbuf);
        // scores: the block's W dot products side by side, summed across
        // lanes together
        vec s[TQ];
        for (int t = 0; t < TQ; t++) {
            const float *qt = q + t * q_stride;
            vec acc[W];
            const vec q0 = V::load(qt);
            for (int j = 0; j < W; j++)
                acc[j] = V::mul(q0, V::load(kbuf + j * ggml::ATTEND_MAX_HEAD));
            for (int64_t d = W; d < hd; d += W) {
                const vec qd = V::load(qt + d);
                for (int j = 0; j < W; j++)
                    acc[j] = V::fma(qd, V::load(kbuf + j * ggml::ATTEND_MAX_HEAD + d), acc[j]);
            }
            s[t] = V::sum_lanes(acc);
        }
        // online softmax: p = exp(s - m), masked keys 0
        alignas(64) float p[TQ][W];
        for (int t = 0; t < TQ; t++) {
            const int64_t seen = n_first + t - j0; // keys of this block the query sees
            const auto valid = V::first(seen < jn ? int(seen) : jn);
            const vec st = V::select(valid, s[t], V::set1(-INFINITY));
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
                const vec vj = V::load(v + (j0 + jj) * int64_t(kv_stride) + d);
                for (int t = 0; t < TQ; t++) o[t] = V::fma(V::set1(p[t][jj]), vj, o[t]);
            }
            for (int t = 0; t < TQ; t++) V::store(out + t * out_stride + d, o[t]);
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
                  const T *v, size_t kv_stride, float *out, size_t out_stride) {
    if constexpr (TQ > 0) {
        if (nq == TQ)
            return attend_tile<V, T, TQ>(hd, q, q_stride, n_first, k, v, kv_stride, out,
                                         out_stride);
        attend_tiles<V, T, TQ - 1>(hd, nq, q, q_stride, n_first, k, v, kv_stride, out, out_stride);
    }
}

// format_kernels::attend over policy V for cache rows of T (float or fp16
// as uint16_t); hd must be a multiple of V::width, at most ATTEND_MAX_HEAD.
template <class V, class T>
void attend(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first, const void *vk,
            const void *vv, size_t kv_stride, float *out, size_t out_stride) {
    const T *k = static_cast<const T *>(vk);
    const T *v = static_cast<const T *>(vv);
    const size_t stride = kv_stride / sizeof(T);
    for (int t0 = 0; t0 < nq; t0 += ggml::ATTEND_TILE)
        attend_tiles<V, T, ggml::ATTEND_TILE>(
            hd, nq - t0 < ggml::ATTEND_TILE ? nq - t0 : ggml::ATTEND_TILE,
            q + size_t(t0) * q_stride, q_stride, n_first + t0, k, v, stride,
            out + size_t(t0) * out_stride, out_stride);
}

} // namespace
