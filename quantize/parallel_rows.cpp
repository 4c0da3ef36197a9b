#include "parallel_rows.h"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace quantize {

void parallel_rows(int64_t nrows, int n_threads, const std::function<void(int64_t, int64_t)> &fn) {
    const int64_t n = std::clamp<int64_t>(n_threads, 1, std::max<int64_t>(nrows, 1));
    // an exception escaping a thread would end the process; each range's
    // is kept and the first rethrown on the caller's thread, where the
    // tools report it (out of memory, above all)
    std::vector<std::exception_ptr> errors(static_cast<size_t>(n));
    auto range = [&](int64_t i) {
        try {
            fn(nrows * i / n, nrows * (i + 1) / n);
        } catch (...) {
            errors[size_t(i)] = std::current_exception();
        }
    };
    {
        std::vector<std::jthread> workers;
        for (int64_t i = 1; i < n; i++) workers.emplace_back(range, i);
        range(0);
    } // the jthreads join here
    for (const std::exception_ptr &e : errors)
        if (e) std::rethrow_exception(e);
}

} // namespace quantize
