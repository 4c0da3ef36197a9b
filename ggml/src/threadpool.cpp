#include "threadpool.h"

#include "internal.h"

#include <chrono>
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

// Workers spin this long for the next job before sleeping: long enough to
// cover the caller's work between two tokens, short enough not to burn a
// core when the library is idle.
constexpr auto SPIN_BEFORE_SLEEP = std::chrono::milliseconds(2);

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
    job_seq_.fetch_add(1, std::memory_order_release);
    job_seq_.notify_all();
    for (auto &w : workers_) w.join();
}

void ggml_threadpool::run(job_fn job, void *arg) {
    job_ = job;
    job_arg_ = arg;
    n_finished_.store(0, std::memory_order_relaxed);
    job_seq_.fetch_add(1, std::memory_order_release);
    job_seq_.notify_all();
    job(arg, 0);
    for (uint32_t spins = 0; n_finished_.load(std::memory_order_acquire) != n_threads_ - 1;
         spins++) {
        GGML_CPU_RELAX();
        // as in barrier: more threads than free cores
        if ((spins & 0x3ff) == 0x3ff) std::this_thread::yield();
    }
}

void ggml_threadpool::barrier() {
    if (n_threads_ == 1) return;
    const uint32_t phase = barrier_phase_.load(std::memory_order_acquire);
    if (barrier_count_.fetch_add(1, std::memory_order_acq_rel) == n_threads_ - 1) {
        barrier_count_.store(0, std::memory_order_relaxed);
        barrier_phase_.fetch_add(1, std::memory_order_release);
        return;
    }
    for (uint32_t spins = 0; barrier_phase_.load(std::memory_order_acquire) == phase; spins++) {
        GGML_CPU_RELAX();
        // more threads than free cores: let the late one run
        if ((spins & 0x3ff) == 0x3ff) std::this_thread::yield();
    }
}

void ggml_threadpool::worker_loop(int ith) {
    uint32_t seen = 0;
    for (;;) {
        uint32_t seq = job_seq_.load(std::memory_order_acquire);
        if (seq == seen) {
            const auto give_up = std::chrono::steady_clock::now() + SPIN_BEFORE_SLEEP;
            for (uint32_t spins = 1; seq == seen; spins++) {
                GGML_CPU_RELAX();
                seq = job_seq_.load(std::memory_order_acquire);
                if ((spins & 0x3ff) == 0 && std::chrono::steady_clock::now() > give_up) {
                    job_seq_.wait(seen, std::memory_order_acquire);
                    seq = job_seq_.load(std::memory_order_acquire);
                }
            }
        }
        seen = seq;
        if (stop_.load(std::memory_order_relaxed)) return;
        job_(job_arg_, ith);
        n_finished_.fetch_add(1, std::memory_order_release);
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
