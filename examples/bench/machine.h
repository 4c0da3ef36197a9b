// What the machine itself can do, measured in the same run as the
// benchmarks so they can be held against it.
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace bench {

// Runs f(ith) on n threads at once and returns the wall time in seconds.
template <class F> double timed_on_threads(int n, F f) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int i = 1; i < n; i++) threads.emplace_back(f, i);
    f(0);
    for (auto &t : threads) t.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// STREAM-like read of 1 GiB, its share by each thread: the best GB/s over
// `reps` for each thread count (the limit the kernels are held to).
std::vector<double> read_bandwidth_gbps(const std::vector<int> &threads, int reps);

// The CPU's model name from /proc/cpuinfo.
std::string cpu_model();

} // namespace bench
