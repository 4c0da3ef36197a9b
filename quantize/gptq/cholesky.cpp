#include "gptq/cholesky.h"

#include <cmath>

namespace quantize {

std::optional<std::vector<double>> inverse_cholesky_upper(const std::vector<double> &h, int64_t n) {
    const auto at = [n](int64_t i, int64_t j) { return size_t(i * n + j); };
    // H = R Rᵀ, R upper: column j of R from the columns after it.
    std::vector<double> r(size_t(n * n), 0.0);
    for (int64_t j = n - 1; j >= 0; j--) {
        double s = h[at(j, j)];
        for (int64_t k = j + 1; k < n; k++) s -= r[at(j, k)] * r[at(j, k)];
        if (!(s > 0.0) || !std::isfinite(s)) return std::nullopt;
        const double rjj = std::sqrt(s);
        r[at(j, j)] = rjj;
        for (int64_t i = 0; i < j; i++) {
            double t = h[at(i, j)];
            for (int64_t k = j + 1; k < n; k++) t -= r[at(i, k)] * r[at(j, k)];
            r[at(i, j)] = t / rjj;
        }
    }
    // U = R⁻¹ from R U = I, bottom row first: row i of U is
    // (e_i - sum over k > i of R[i][k] * row k of U) / R[i][i].
    std::vector<double> u(size_t(n * n), 0.0);
    for (int64_t i = n - 1; i >= 0; i--) {
        double *row = &u[at(i, 0)];
        row[i] = 1.0;
        for (int64_t k = i + 1; k < n; k++) {
            const double f = r[at(i, k)];
            const double *uk = &u[at(k, 0)];
            for (int64_t j = k; j < n; j++) row[j] -= f * uk[j];
        }
        const double inv = 1.0 / r[at(i, i)];
        for (int64_t j = i; j < n; j++) row[j] *= inv;
    }
    return u;
}

} // namespace quantize
