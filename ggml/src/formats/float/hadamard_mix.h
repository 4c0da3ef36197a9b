// format_kernels::hadamard_mix over a vector policy V of 8 floats (as in
// float/attention.h): two rows of F and up to four vectors of each run at a
// time, so eight sums are in flight. Each sum starts with F's first column
// and adds the others in column order, a product +-x exact in fma, so the
// bits are the reference's (walsh_hadamard.h). p a multiple of 8, m even
// (Paley orders are multiples of 4). Internal linkage only.
#pragma once

#include <cstdint>

namespace {

template <class V, int NJ>
void hadamard_mix_runs(const float *in, float *out, const float *f, int64_t m, int64_t p) {
    using vec = typename V::vec;
    for (int64_t i = 0; i < m; i += 2) {
        const float *f0 = f + i * m, *f1 = f0 + m;
        for (int64_t j = 0; j < p; j += 8 * NJ) {
            vec a[NJ], b[NJ];
            for (int c = 0; c < NJ; c++) {
                const vec x = V::load(in + j + 8 * c);
                a[c] = V::mul(V::set1(f0[0]), x);
                b[c] = V::mul(V::set1(f1[0]), x);
            }
            for (int64_t k = 1; k < m; k++) {
                const vec s0 = V::set1(f0[k]), s1 = V::set1(f1[k]);
                for (int c = 0; c < NJ; c++) {
                    const vec x = V::load(in + k * p + j + 8 * c);
                    a[c] = V::fma(s0, x, a[c]);
                    b[c] = V::fma(s1, x, b[c]);
                }
            }
            for (int c = 0; c < NJ; c++) {
                V::store(out + i * p + j + 8 * c, a[c]);
                V::store(out + (i + 1) * p + j + 8 * c, b[c]);
            }
        }
    }
}

template <class V>
void hadamard_mix(const float *in, float *out, const float *f, int64_t m, int64_t p) {
    if (p % 32 == 0) return hadamard_mix_runs<V, 4>(in, out, f, m, p);
    if (p % 16 == 0) return hadamard_mix_runs<V, 2>(in, out, f, m, p);
    hadamard_mix_runs<V, 1>(in, out, f, m, p);
}

} // namespace
