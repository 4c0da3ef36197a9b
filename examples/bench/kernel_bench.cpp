// `bench kernels`: what the mul_mat kernels reach next to what the machine
// can do, all measured in the same run. Matrix-vector products are memory
// bound (GB/s of weights streamed vs a plain read of memory); matrix-matrix
// products are compute bound (GOP/s vs a tight int8 dot-product loop).
// The products go through the graph API and the thread pool, as users run
// them.
#include "kernel_bench.h"

#include "int8_peak.h"
#include "machine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

namespace bench {

namespace {

constexpr int64_t K = 4096, M = 11008;             // llama-7B's FFN: 4096 inputs, 11008 outputs
constexpr int64_t matmat_rows = 512;               // activation rows of the matrix-matrix product
constexpr size_t stream_bytes = size_t(512) << 20; // weights cycled per matrix-vector rep

using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point t0) {
    return std::chrono::duration<double>(steady::now() - t0).count();
}

struct free_deleter {
    void operator()(void *p) const { std::free(p); }
};
using buffer = std::unique_ptr<char, free_deleter>;

buffer alloc_buffer(size_t bytes) {
    buffer b(static_cast<char *>(std::aligned_alloc(64, (bytes + 63) / 64 * 64)));
    if (!b) {
        std::fprintf(stderr, "bench: cannot allocate %zu MB\n", bytes >> 20);
        std::exit(1);
    }
    return b;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// The best rep, as for the read bandwidth.
double int8_peak_gops(const int8_peak_loop &loop, int n_threads, int reps) {
    const int64_t iters = 20'000'000;
    double best = 0;
    for (int rep = 0; rep < reps; rep++) {
        int64_t ops = 0;
        const double t = timed_on_threads(n_threads, [&](int ith) {
            const int64_t n = loop.run(iters);
            if (ith == 0) ops = n;
        });
        best = std::max(best, double(ops) * n_threads / t * 1e-9);
    }
    return best;
}

// Uniform floats in [-1, 1) from a fixed seed (xorshift: fast for 45M values).
void fill_random(float *x, size_t n, uint64_t seed) {
    uint64_t s = seed | 1;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        x[i] = float(int32_t(s >> 32)) * 0x1p-31f;
    }
}

// `copies` identical M x K matrices of `type`, back to back, their rows
// repacked in groups as the model loader does (*grouped) where the type
// allows it.
buffer make_weights(ggml_type type, size_t matrix_bytes, size_t copies, bool *grouped) {
    buffer w = alloc_buffer(matrix_bytes * copies);
    const int64_t chunk = 256; // rows quantized at a time
    std::vector<float> rows(size_t(chunk * K));
    const size_t row_bytes = ggml_row_size(type, K);
    for (int64_t r = 0; r < M; r += chunk) {
        const int64_t n = std::min(chunk, M - r);
        fill_random(rows.data(), size_t(n * K), uint64_t(r + 1));
        ggml_quantize_rows(type, rows.data(), w.get() + size_t(r) * row_bytes, n, K);
    }
    ggml_context *ctx = ggml_init({ggml_tensor_overhead(), nullptr, true});
    ggml_tensor *t = ggml_new_tensor_2d(ctx, type, K, M);
    t->data = w.get();
    *grouped = ggml_repack_rows(t);
    ggml_free(ctx);
    for (size_t c = 1; c < copies; c++)
        std::memcpy(w.get() + c * matrix_bytes, w.get(), matrix_bytes);
    return w;
}

// A graph of mul_mat(weights copy c, x) for every copy, x of n_rows rows.
struct matmul_graph {
    ggml_context *ctx = nullptr;
    ggml_cgraph *graph = nullptr;
    ggml_planner *planner = nullptr;

    matmul_graph(ggml_type type, char *weights, bool grouped, size_t matrix_bytes, size_t copies,
                 int64_t n_rows) {
        ctx = ggml_init(
            {ggml_tensor_overhead() * (3 * copies + 8) + ggml_graph_overhead(4 * copies + 8),
             nullptr, true});
        graph = ggml_new_graph_custom(ctx, 4 * copies + 8);
        ggml_tensor *x = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, K, n_rows);
        ggml_set_input(x);
        for (size_t c = 0; c < copies; c++) {
            ggml_tensor *w = ggml_new_tensor_2d(ctx, type, K, M);
            w->data = weights + c * matrix_bytes;
            if (grouped) w->flags |= GGML_TENSOR_FLAG_ROW_GROUPS; // make_weights repacked it
            ggml_build_forward_expand(graph, ggml_mul_mat(ctx, w, x));
        }
        planner = ggml_planner_new(true);
        if (!ggml_planner_alloc_graph(planner, graph)) {
            std::fprintf(stderr,
                         "bench: cannot allocate the activations and results of the %s product\n",
                         ggml_type_name(type));
            std::exit(1);
        }
        fill_random(static_cast<float *>(x->data), size_t(K * n_rows), 7);
    }
    ~matmul_graph() {
        ggml_planner_free(planner);
        ggml_free(ctx);
    }
    // Median seconds per compute of the whole graph, after a warm-up;
    // between() runs untimed before each rep.
    template <class F> double time(ggml_threadpool *pool, int reps, F between) {
        ggml_graph_compute(graph, pool);
        std::vector<double> t;
        for (int rep = 0; rep < reps; rep++) {
            between();
            const steady::time_point t0 = steady::now();
            ggml_graph_compute(graph, pool);
            t.push_back(seconds_since(t0));
        }
        return median(t);
    }
};

} // namespace

int run_kernels(const kernel_options &opt) {
    const ggml_cpu_level level = ggml_cpu_get_level();
    std::printf("bench kernels: %s, %u hardware threads, kernel level %s\n", cpu_model().c_str(),
                std::thread::hardware_concurrency(), ggml_cpu_level_name(level));
    std::printf(
        "weights %lld x %lld (K x M); matrix-vector cycles through >= %zu MB of copies, "
        "matrix-matrix has %lld activation rows; kernels: median of %d reps; read bandwidth: best "
        "pass of a 1 GiB read probe taken between the row's matrix-vector reps; int8 peak: best "
        "rep\n\n",
        (long long)K, (long long)M, stream_bytes >> 20, (long long)matmat_rows, opt.reps);

    const read_probe probe;
    std::vector<double> peak(opt.threads.size());
    const int8_peak_loop loop = int8_peak_for(level);
    for (size_t t = 0; t < opt.threads.size(); t++) {
        peak[t] = loop.run ? int8_peak_gops(loop, opt.threads[t], opt.reps) : 0.0;
        std::printf("threads %d: int8 dot peak %.1f GOP/s (%s)\n", opt.threads[t], peak[t],
                    loop.name ? loop.name : "no int8 loop for this level");
    }

    std::printf("\n%-6s %7s | %12s %9s %8s | %13s %9s\n", "type", "threads", "mat-vec GB/s",
                "read GB/s", "of read", "mat-mat GOP/s", "of peak");
    for (ggml_type type : opt.types) {
        const size_t matrix_bytes = ggml_row_size(type, K) * size_t(M);
        const size_t copies = (stream_bytes + matrix_bytes - 1) / matrix_bytes;
        bool grouped;
        buffer weights = make_weights(type, matrix_bytes, copies, &grouped);
        matmul_graph matvec(type, weights.get(), grouped, matrix_bytes, copies, 1);
        matmul_graph matmat(type, weights.get(), grouped, matrix_bytes, 1, matmat_rows);
        for (size_t t = 0; t < opt.threads.size(); t++) {
            const int n = opt.threads[t];
            ggml_threadpool *pool = ggml_threadpool_new(n);
            // the read probe's best pass between the matrix-vector reps:
            // the limit under the host's load of the same seconds
            double read = 0;
            const double gbps =
                double(matrix_bytes * copies) * 1e-9 /
                matvec.time(pool, opt.reps, [&] { read = std::max(read, probe.gbps(n)); });
            const double gops = 2.0 * double(M) * double(matmat_rows) * double(K) /
                                matmat.time(pool, opt.reps, [] {}) * 1e-9;
            ggml_threadpool_free(pool);
            std::printf("%-6s %7d | %12.2f %9.2f %7.1f%% | %13.2f %8.1f%%\n", ggml_type_name(type),
                        n, gbps, read, 100.0 * gbps / read, gops,
                        peak[t] > 0 ? 100.0 * gops / peak[t] : 0.0);
            std::fflush(stdout);
        }
    }
    return 0;
}

} // namespace bench
