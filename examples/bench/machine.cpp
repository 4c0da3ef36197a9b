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

std::vector<double> read_bandwidth_gbps(const std::vector<int> &threads, int reps) {
    char *data = static_cast<char *>(std::aligned_alloc(64, read_bytes));
    if (!data) {
        std::fprintf(stderr, "bench: cannot allocate the 1 GiB read probe\n");
        std::exit(1);
    }
    std::memset(data, 1, read_bytes);
    std::vector<double> best(threads.size(), 0.0);
    for (size_t t = 0; t < threads.size(); t++) {
        const int n = threads[t];
        std::vector<uint64_t> sums(static_cast<size_t>(n));
        for (int rep = 0; rep < reps; rep++) {
            const double s = timed_on_threads(n, [&](int ith) {
                const size_t per = read_bytes / size_t(n) / 128 * 128;
                sums[size_t(ith)] = sum_words(data + per * size_t(ith), per);
            });
            best[t] = std::max(best[t], double(read_bytes) / s * 1e-9);
        }
        volatile uint64_t sink = sums[0]; // the sums must be computed
        (void)sink;
    }
    std::free(data);
    return best;
}

std::string cpu_model() {
    std::ifstream f("/proc/cpuinfo");
    for (std::string line; std::getline(f, line);)
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

} // namespace bench
