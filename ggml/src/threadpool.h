// Worker threads created once and reused for every graph: the caller is
// thread 0, workers wait for a job by spinning briefly and then sleeping,
// and a spinning barrier separates the ops of a graph.
#pragma once

#include "ggml.h"

#include <atomic>
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

  private:
    void worker_loop(int ith);

    const int n_threads_;
    std::vector<std::thread> workers_;
    job_fn job_ = nullptr;
    void *job_arg_ = nullptr;
    std::atomic<uint32_t> job_seq_{0}; // bumped to start a job (or to stop)
    std::atomic<int> n_finished_{0};
    std::atomic<bool> stop_{false};
    alignas(64) std::atomic<int> barrier_count_{0};
    alignas(64) std::atomic<uint32_t> barrier_phase_{0};
};
