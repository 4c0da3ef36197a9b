#include "threadpool.h"

#include "internal.h"

#include <exception>
#include <memory>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GGML_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define GGML_CPU_RELAX() __asm__ __volatile__("yield")
#else
#define GGML_CPU_RELAX() ((void)0)
#endif

namespace {

// How long a thread spins before it sleeps. At a barrier the others are
// usually microseconds away; longer means one of them is not running, and
// the core is better given up. Between jobs (tokens) the caller samples,
// detokenizes and prints, which takes longer.
constexpr auto SPIN_AT_BARRIER = std::chrono::microseconds(50);
constexpr auto SPIN_FOR_JOB = std::chrono::microseconds(1000);

} // namespace

ggml_threadpool::ggml_threadpool(int n_threads) : n_threads_(n_threads) {
    GGML_ASSERT(n_threads >= 1 && n_threads <= 512, "n_threads = %d", n_threads);
}

void ggml_threadpool::start() {
    workers_.reserve(size_t(n_threads_ - 1));
    for (int i = 1; i < n_threads_; i++) workers_.emplace_back([this, i] { worker_loop(i); });
}

ggml_threadpool::~ggml_threadpool() {
    stop_.store(true, std::memory_order_relaxed);
    job_seq_.fetch_add(1, std::memory_order_seq_cst);
    job_seq_.notify_all();
    for (auto &w : workers_) w.join();
}

void ggml_threadpool::wait_while(const std::atomic<uint32_t> &word, uint32_t old,
                                 std::chrono::microseconds spin) {
    const auto give_up = std::chrono::steady_clock::now() + spin;
    for (uint32_t spins = 1;; spins++) {
        if (word.load(std::memory_order_acquire) != old) return;
        GGML_CPU_RELAX();
        if (spins % 64 == 0 && std::chrono::steady_clock::now() > give_up) break;
    }
    // A waker bumps word, then reads sleepers_; this thread counts itself,
    // then reads word (all seq_cst): if the waker saw no sleeper, this
    // thread sees the new word.
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    while (word.load(std::memory_order_seq_cst) == old) word.wait(old, std::memory_order_acquire);
    sleepers_.fetch_sub(1, std::memory_order_relaxed);
}

void ggml_threadpool::wait_for(const std::atomic<uint32_t> &word, uint32_t target) {
    for (uint32_t v; (v = word.load(std::memory_order_acquire)) != target;)
        wait_while(word, v, SPIN_AT_BARRIER);
}

void ggml_threadpool::wake(std::atomic<uint32_t> &word) {
    if (sleepers_.load(std::memory_order_seq_cst) > 0) word.notify_all();
}

void ggml_threadpool::run(job_fn job, void *arg) {
    job_ = job;
    job_arg_ = arg;
    job_seq_.fetch_add(1, std::memory_order_seq_cst);
    wake(job_seq_);
    job(arg, 0);
    barrier(); // every worker has finished
}

void ggml_threadpool::barrier() {
    if (n_threads_ == 1) return;
    const uint32_t phase = barrier_phase_.load(std::memory_order_acquire);
    if (barrier_count_.fetch_add(1, std::memory_order_acq_rel) == n_threads_ - 1) {
        barrier_count_.store(0, std::memory_order_relaxed);
        barrier_phase_.fetch_add(1, std::memory_order_seq_cst);
        wake(barrier_phase_);
        return;
    }
    wait_while(barrier_phase_, phase, SPIN_AT_BARRIER);
}

void ggml_threadpool::worker_loop(int ith) {
    uint32_t seen = 0;
    for (;;) {
        wait_while(job_seq_, seen, SPIN_FOR_JOB);
        seen = job_seq_.load(std::memory_order_acquire);
        if (stop_.load(std::memory_order_relaxed)) return;
        job_(job_arg_, ith);
        barrier(); // tells the caller this thread has finished
    }
}

ggml_threadpool *ggml_threadpool_new(int n_threads) {
    try {
        auto pool = std::make_unique<ggml_threadpool>(n_threads);
        pool->start();
        return pool.release();
    } catch (const std::exception &) { // std::system_error: no more threads; std::bad_alloc
        return nullptr;
    }
}

void ggml_threadpool_free(ggml_threadpool *pool) { delete pool; }

int ggml_threadpool_n_threads(const ggml_threadpool *pool) { return pool->n_threads(); }
