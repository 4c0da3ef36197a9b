// The block Hadamard rotation of incoherence processing (QuIP#, Tseng et
// al., arXiv 2402.04396): a linear layer y = W x is stored as W R with
// R = diag(s) H^T / sqrt(b), H a Hadamard matrix of order b (entries +-1,
// H H^T = b I) applied to each block of b inputs and s a sign per input.
// R is orthogonal, so y = (W R)(R^T x): the forward pass rotates x by R^T,
// and the quantizer rounds the rows of W R, whose large values are spread
// over their block. Both are the one map below: R^T x for a column x, and
// w R for a row w (its transpose).
//
// H is the Walsh-Hadamard matrix W_b when b is a power of two. Otherwise
// b = m p (p a power of two) and H = F (x) W_p: element i p + j of a block
// (i < m, j < p) is row i of F and row j of W_p. F is the Hadamard matrix
// of order m that Paley's constructions give from a prime q: order q + 1
// for q = 3 mod 4 (Paley I), 2 (q + 1) for q = 1 mod 4 (Paley II); m is the
// smallest such order with b's odd part, Paley I where both apply. So 576
// (SmolLM2's width) is F_36 (x) W_16 and 1536 is F_12 (x) W_128.
#pragma once

#include <cmath>
#include <cstdint>
#include <mutex>
#include <vector>

namespace ggml {

// The largest order of a factor F (each built once, m^2 floats).
constexpr int64_t HADAMARD_MAX_FACTOR = 256;

namespace hadamard_detail {

inline bool is_prime(int64_t q) {
    if (q < 2) return false;
    for (int64_t d = 2; d * d <= q; d++)
        if (q % d == 0) return false;
    return true;
}

// 1 when Paley I builds order m, 2 when only Paley II does, else 0
inline int paley_kind(int64_t m) {
    if (is_prime(m - 1) && (m - 1) % 4 == 3) return 1;
    if (m % 2 == 0 && is_prime(m / 2 - 1) && (m / 2 - 1) % 4 == 1) return 2;
    return 0;
}

// F of order m by Paley's construction (paley_kind(m) > 0), row-major
inline std::vector<float> paley_matrix(int64_t m) {
    const int kind = paley_kind(m);
    const int64_t q = kind == 1 ? m - 1 : m / 2 - 1;
    std::vector<bool> square(size_t(q), false); // the quadratic residues mod q
    for (int64_t x = 1; x < q; x++) square[size_t(x * x % q)] = true;
    // c(i, j) for i, j in 0..q: the border of ones, then the Jacobsthal
    // matrix chi(j - i) (chi the Legendre symbol); skew for q = 3 mod 4,
    // symmetric for q = 1 mod 4, where the border's first column is -1 and
    // +1 respectively
    auto c = [&](int64_t i, int64_t j) -> int {
        if (i == 0) return j == 0 ? 0 : 1;
        if (j == 0) return kind == 1 ? -1 : 1;
        const int64_t d = ((j - i) % q + q) % q;
        return d == 0 ? 0 : square[size_t(d)] ? 1 : -1;
    };
    std::vector<float> f(size_t(m * m));
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < m; j++) {
            int v;
            if (kind == 1) { // I + C
                v = c(i, j) + (i == j ? 1 : 0);
            } else { // C (x) [1 1; 1 -1] + I (x) [1 -1; -1 -1]
                const int64_t a = i / 2, b = j / 2, x = i % 2, y = j % 2;
                v = c(a, b) * (x && y ? -1 : 1) + (a == b ? (x || y ? -1 : 1) : 0);
            }
            f[size_t(i * m + j)] = float(v);
        }
    return f;
}

} // namespace hadamard_detail

// The order m of the factor F of a block of b (1 when b is a power of two);
// 0 when b has none: no Paley order up to HADAMARD_MAX_FACTOR has b's odd
// part, or the smallest exceeds b.
inline int64_t hadamard_factor(int64_t b) {
    if (b <= 0) return 0;
    int64_t odd = b;
    while (odd % 2 == 0) odd /= 2;
    if (odd == 1) return 1;
    for (int64_t m = odd; m <= HADAMARD_MAX_FACTOR; m *= 2)
        if (hadamard_detail::paley_kind(m)) return m <= b ? m : 0;
    return 0;
}

// F of order m > 1 (a hadamard_factor), row-major, each entry +1 or -1;
// built on first use, then shared by every thread.
inline const float *hadamard_factor_matrix(int64_t m) {
    static std::once_flag built[HADAMARD_MAX_FACTOR + 1];
    static std::vector<float> matrices[HADAMARD_MAX_FACTOR + 1];
    std::call_once(built[m], [m] { matrices[m] = hadamard_detail::paley_matrix(m); });
    return matrices[m].data();
}

// out = (F (x) I_p) in for one block of m runs of p: each output the sum,
// in the order of F's columns, of +-1 times the inputs (exact products, so a
// fused multiply-add gives the same bits).
template <class T> void hadamard_mix(const T *in, T *out, const float *f, int64_t m, int64_t p) {
    for (int64_t i = 0; i < m; i++) {
        T *o = out + i * p;
        const float *row = f + i * m;
        for (int64_t j = 0; j < p; j++) o[j] = T(row[0]) * in[j];
        for (int64_t k = 1; k < m; k++) {
            const T s = T(row[k]);
            const T *r = in + k * p;
            for (int64_t j = 0; j < p; j++) o[j] += s * r[j];
        }
    }
}

// x (n elements, n a multiple of block, hadamard_factor(block) > 0)
// becomes, block by block, H (s * x) / sqrt(block) with s = signs[0..n),
// each +1 or -1: the signs, the butterflies of W_p on each run of p, F's
// mix of the runs, the scale. Every caller gets the same bits.
template <class T> void rotate_blocks(T *x, int64_t n, const int32_t *signs, int64_t block) {
    const int64_t m = hadamard_factor(block), p = block / m;
    const T scale = T(1.0 / std::sqrt(double(block)));
    for (int64_t i = 0; i < n; i++) x[i] *= T(signs[i]); // random signs: no branch
    for (T *r = x; r < x + n; r += p)
        for (int64_t h = 1; h < p; h *= 2)
            for (int64_t i = 0; i < p; i += 2 * h)
                for (int64_t j = i; j < i + h; j++) {
                    const T u = r[j], v = r[j + h];
                    r[j] = u + v;
                    r[j + h] = u - v;
                }
    std::vector<T> mixed(m > 1 ? size_t(block) : 0);
    for (T *b = x; b < x + n; b += block) {
        if (m > 1) {
            hadamard_mix(b, mixed.data(), hadamard_factor_matrix(m), m, p);
            for (int64_t j = 0; j < block; j++) b[j] = mixed[size_t(j)];
        }
        for (int64_t j = 0; j < block; j++) b[j] *= scale;
    }
}

} // namespace ggml
