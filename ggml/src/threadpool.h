// Worker threads created once and reused for every graph: the caller is
// thread 0, and a job ends at a barrier. Every wait (for a job, at a
// barrier, for a count) spins for a while and then sleeps on a futex
// (std::atomic::wait), so that a thread that cannot run yet, because
// another process holds its core, gets one from a waiting thread.
#pragma once

#include "ggml.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

struct ggml_threadpool {
    using job_fn = void (*)(void *arg, int ith);

    // Makes no threads yet: start() does.
    explicit ggml_threadpool(int n_threads);
    // Stops and joins the workers started.
    ~ggml_threadpool();

    // Starts the workers; throws std::system_error (or std::bad_alloc) if
    // one cannot be, leaving those started to the destructor.
    void start();

    int n_threads() const { return n_threads_; }
    // Runs job(arg, ith) on every thread (the caller is ith 0) and returns
    // when all have finished.
    void run(job_fn job, void *arg);
    // Every thread of the running job waits here until all have arrived.
    void barrier();
    // Returns once word == target (a count the job's threads raise): spins
    // for a while, then sleeps until wake(word).
    void wait_for(const std::atomic<uint32_t> &word, uint32_t target);
    // Wakes the threads sleeping on word after it changed (seq_cst).
    void wake(std::atomic<uint32_t> &word);

  private:
    void worker_loop(int ith);
    // Returns once word != old: spins up to `spin`, then sleeps.
    void wait_while(const std::atomic<uint32_t> &word, uint32_t old,
                    std::chrono::microseconds spin);

    const int n_threads_;
    std::vector<std::thread> workers_;
    job_fn job_ = nullptr;
    void *job_arg_ = nullptr;
    std::atomic<bool> stop_{false};
    alignas(64) std::atomic<uint32_t> job_seq_{0}; // bumped to start a job (or to stop)
    alignas(64) std::atomic<int> barrier_count_{0};
    alignas(64) std::atomic<uint32_t> barrier_phase_{0};
    alignas(64) std::atomic<int> sleepers_{0}; // threads in wait_while's sleep
};
