// Causal attention over a KV cache of F32 or F16 rows (format_kernels::attend),
// one algorithm for the scalar reference and every SIMD level: keys in
// blocks of 8 from position 0, and per block, for each query, the scores
// q.k (q already scaled), an online softmax (the running maximum m, the sum
// l of exp(s - m) and the output, both rescaled by exp(m_old - m_new) when
// the maximum grows) and the values weighted by exp(s - m). A query sees
// keys 0 .. n_first + t - 1 only; masked keys weigh exactly 0.
//
// Because blocks start at fixed positions and each query's arithmetic does
// not depend on the others in its tile, a query's result is the same
// whatever batch or thread computed it. Levels differ from the reference by
// float rounding only (the order of a dot product's sums, and exp).
//
// The SIMD kernel is written over a policy V of vectors of 8 floats:
//   vec, zero(), set1(f), load(const float *), load(const uint16_t *) (fp16),
//   store(float *, vec), add, mul, fma(a, b, c) = a * b + c, max,
//   exp(vec) (for arguments <= 0), hmax(vec), hsum(vec),
//   sum2(a, b, float out[2]): out = {hsum(a), hsum(b)},
//   first(n) -> vec of lanes i < n all ones (a mask for select),
//   select(mask, a, b) = mask ? a : b.
// Internal linkage only (each level's file builds its own copy).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace {

constexpr int ATTEND_BLOCK = 8; // keys per block
constexpr int ATTEND_TILE = 4;  // queries per tile

// One tile of TQ queries: outputs accumulate in out (hd floats a query).
template <class V, class T, int TQ>
void attend_tile(int64_t hd, const float *q, size_t q_stride, int64_t n_first, const T *k,
                 const T *v, size_t kv_stride, float *out, size_t out_stride) {
    using vec = typename V::vec;
    float m[TQ];
    vec l[TQ];
    for (int t = 0; t < TQ; t++) {
        m[t] = -INFINITY;
        l[t] = V::zero();
        for (int64_t d = 0; d < hd; d += 8) V::store(out + t * out_stride + d, V::zero());
    }
    const int64_t n_keys = n_first + TQ - 1; // the last query's
    for (int64_t j0 = 0; j0 < n_keys; j0 += ATTEND_BLOCK) {
        const int jn = int(n_keys - j0 < ATTEND_BLOCK ? n_keys - j0 : ATTEND_BLOCK);
        // scores, two keys at a time
        alignas(32) float s[TQ][ATTEND_BLOCK] = {};
        for (int jj = 0; jj < jn; jj += 2) {
            const T *k0 = k + (j0 + jj) * int64_t(kv_stride);
            const T *k1 = jj + 1 < jn ? k0 + kv_stride : k0; // (an odd last key twice)
            vec acc[TQ][2];
            for (int t = 0; t < TQ; t++) acc[t][0] = acc[t][1] = V::zero();
            for (int64_t d = 0; d < hd; d += 8) {
                const vec a = V::load(k0 + d), b = V::load(k1 + d);
                for (int t = 0; t < TQ; t++) {
                    const vec qt = V::load(q + t * q_stride + d);
                    acc[t][0] = V::fma(qt, a, acc[t][0]);
                    acc[t][1] = V::fma(qt, b, acc[t][1]);
                }
            }
            for (int t = 0; t < TQ; t++) {
                float pair[2];
                V::sum2(acc[t][0], acc[t][1], pair);
                s[t][jj] = pair[0];
                if (jj + 1 < jn) s[t][jj + 1] = pair[1];
            }
        }
        // online softmax: p = exp(s - m), masked keys 0
        alignas(32) float p[TQ][ATTEND_BLOCK];
        for (int t = 0; t < TQ; t++) {
            const int64_t seen = n_first + t - j0; // keys of this block the query sees
            const vec valid = V::first(seen < jn ? int(seen) : jn);
            const vec st = V::select(valid, V::load(s[t]), V::set1(-INFINITY));
            const float mb = V::hmax(st);
            if (mb > m[t]) {
                const vec c = V::set1(std::exp(m[t] - mb)); // 0 the first time
                l[t] = V::mul(l[t], c);
                for (int64_t d = 0; d < hd; d += 8)
                    V::store(out + t * out_stride + d,
                             V::mul(V::load(out + t * out_stride + d), c));
                m[t] = mb;
            }
            const vec pt = V::select(valid, V::exp(V::add(st, V::set1(-m[t]))), V::zero());
            l[t] = V::add(l[t], pt);
            V::store(p[t], pt);
        }
        // values
        for (int64_t d = 0; d < hd; d += 8) {
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
        for (int64_t d = 0; d < hd; d += 8)
            V::store(out + t * out_stride + d, V::mul(V::load(out + t * out_stride + d), inv));
    }
}

// format_kernels::attend over policy V for cache rows of T (float or fp16
// as uint16_t); hd must be a multiple of 8 (callers use the reference
// otherwise).
template <class V, class T>
void attend(int64_t hd, int nq, const float *q, size_t q_stride, int64_t n_first, const void *vk,
            const void *vv, size_t kv_stride, float *out, size_t out_stride) {
    const T *k = static_cast<const T *>(vk);
    const T *v = static_cast<const T *>(vv);
    const size_t stride = kv_stride / sizeof(T);
    for (int t0 = 0; t0 < nq; t0 += ATTEND_TILE) {
        const float *qt = q + size_t(t0) * q_stride;
        float *ot = out + size_t(t0) * out_stride;
        switch (nq - t0 < ATTEND_TILE ? nq - t0 : ATTEND_TILE) {
        case 1:
            attend_tile<V, T, 1>(hd, qt, q_stride, n_first + t0, k, v, stride, ot, out_stride);
            break;
        case 2:
            attend_tile<V, T, 2>(hd, qt, q_stride, n_first + t0, k, v, stride, ot, out_stride);
            break;
        case 3:
            attend_tile<V, T, 3>(hd, qt, q_stride, n_first + t0, k, v, stride, ot, out_stride);
            break;
        default:
            attend_tile<V, T, 4>(hd, qt, q_stride, n_first + t0, k, v, stride, ot, out_stride);
            break;
        }
    }
}

} // namespace
