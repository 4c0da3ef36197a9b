#include "machine.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace bench {

namespace {

constexpr size_t read_bytes = size_t(1) << 30;

// Sums n bytes (a multiple of 128) as 64-bit words, with the widest loads
// the CPU has: the read probe must not be slower than the kernels' loads.
#if defined(__x86_64__)
__attribute__((target("avx2"))) uint64_t sum_avx2(const char *p, size_t n) {
    __m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;
    for (size_t i = 0; i < n; i += 128) {
        a = _mm256_add_epi64(a, _mm256_load_si256((const __m256i *)(p + i)));
        b = _mm256_add_epi64(b, _mm256_load_si256((const __m256i *)(p + i + 32)));
        c = _mm256_add_epi64(c, _mm256_load_si256((const __m256i *)(p + i + 64)));
        d = _mm256_add_epi64(d, _mm256_load_si256((const __m256i *)(p + i + 96)));
    }
    const __m256i s = _mm256_add_epi64(_mm256_add_epi64(a, b), _mm256_add_epi64(c, d));
    return uint64_t(_mm256_extract_epi64(s, 0) ^ _mm256_extract_epi64(s, 3));
}
#endif

uint64_t sum_words(const char *p, size_t n) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) return sum_avx2(p, n);
#endif
    const auto *w = reinterpret_cast<const uint64_t *>(p);
    uint64_t a = 0, b = 0, c = 0, d = 0;
    for (size_t i = 0; i < n / 8; i += 4) {
        a += w[i];
        b += w[i + 1];
        c += w[i + 2];
        d += w[i + 3];
    }
    return a ^ b ^ c ^ d;
}

} // namespace

read_probe::read_probe() : data_(static_cast<char *>(std::aligned_alloc(64, read_bytes))) {
    if (!data_) {
        std::fprintf(stderr, "bench: cannot allocate the 1 GiB read probe\n");
        std::exit(1);
    }
    std::memset(data_, 1, read_bytes);
}

read_probe::~read_probe() { std::free(data_); }

double read_probe::gbps(int n_threads) const {
    std::vector<uint64_t> sums(static_cast<size_t>(n_threads));
    const double s = timed_on_threads(n_threads, [&](int ith) {
        const size_t per = read_bytes / size_t(n_threads) / 128 * 128;
        sums[size_t(ith)] = sum_words(data_ + per * size_t(ith), per);
    });
    volatile uint64_t sink = sums[0]; // the sums must be computed
    (void)sink;
    return double(read_bytes) / s * 1e-9;
}

double read_probe::best_gbps(int n_threads, int passes) const {
    double best = 0;
    for (int i = 0; i < passes; i++) best = std::max(best, gbps(n_threads));
    return best;
}

std::string cpu_model() {
    std::ifstream f("/proc/cpuinfo");
    for (std::string line; std::getline(f, line);)
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

} // namespace bench
