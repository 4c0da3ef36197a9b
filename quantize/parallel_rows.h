// Splitting the rows of a tensor among threads.
#pragma once

#include <cstdint>
#include <functional>

namespace quantize {

// Calls fn(first, end) on n_threads contiguous ranges covering [0, nrows),
// the calling thread taking one, and returns when all are done. Rows are
// independent, so the result is the same for any n_threads.
void parallel_rows(int64_t nrows, int n_threads, const std::function<void(int64_t, int64_t)> &fn);

} // namespace quantize
