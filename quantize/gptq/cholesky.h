// The one factorization GPTQ needs: the upper Cholesky factor of the inverse
// of a symmetric positive definite matrix.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace quantize {

// U, upper triangular with a positive diagonal, such that Uᵀ U = H⁻¹, for
// H (n x n, row-major, symmetric). Computed without forming H⁻¹: H = R Rᵀ
// with R upper triangular (a Cholesky factorization from the last index
// backwards), then U = R⁻¹. nullopt if H is not (numerically) positive
// definite. The lower triangle of the result is zero.
std::optional<std::vector<double>> inverse_cholesky_upper(const std::vector<double> &h, int64_t n);

} // namespace quantize
