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

// A STREAM-like read of 1 GiB, each thread its share: the memory bandwidth
// that generation and matrix-vector products are held to. On a shared host
// it drifts from minute to minute, so benchmarks take it next to their own
// reps rather than once per run.
class read_probe {
  public:
    read_probe();
    ~read_probe();
    read_probe(const read_probe &) = delete;
    read_probe &operator=(const read_probe &) = delete;

    // GB/s of one pass on n threads.
    double gbps(int n_threads) const;
    // The best of `passes` passes.
    double best_gbps(int n_threads, int passes) const;

  private:
    char *data_;
};

// The CPU's model name from /proc/cpuinfo.
std::string cpu_model();

} // namespace bench
