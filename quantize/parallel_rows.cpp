#include "parallel_rows.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace quantize {

void parallel_rows(int64_t nrows, int n_threads, const std::function<void(int64_t, int64_t)> &fn) {
    const int64_t n = std::clamp<int64_t>(n_threads, 1, std::max<int64_t>(nrows, 1));
    std::vector<std::jthread> workers;
    for (int64_t i = 1; i < n; i++)
        workers.emplace_back(fn, nrows * i / n, nrows * (i + 1) / n);
    fn(0, nrows / n);
    // the jthreads join as they go out of scope
}

} // namespace quantize
