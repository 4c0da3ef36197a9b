// bench: performance measurements. `bench kernels` measures the mul_mat
// kernels against the machine's limits; `bench -m MODEL` (model mode) will
// measure a whole model.
#include "kernel_bench.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

void print_usage(FILE *out) {
    std::fputs("usage:\n"
               "  bench kernels [--type T[,T...]] [--threads N[,N...]] [--reps R]\n"
               "      Kernel benchmark. Measures the machine's memory read bandwidth and int8\n"
               "      multiply peak, then for each weight type a matrix-vector product over\n"
               "      4096 x 11008 weights cycling through >= 512 MB of copies (GB/s of weights\n"
               "      streamed) and a matrix-matrix product with 512 activation rows (GOP/s,\n"
               "      2*M*N*K), through ggml graphs on a thread pool.\n"
               "        --type     weight types (default F32,F16,Q8_0,Q4_0,Q4_1,Q4_Z,Q3_Z)\n"
               "        --threads  thread counts (default 1,2)\n"
               "        --reps     timed repetitions per measurement (default 3); kernels report\n"
        "                   the median, the machine's limits the best\n"
               "      GGML_CPU=scalar|avx2|avx512|neon in the environment forces a kernel level.\n"
               "  bench -m MODEL [options]\n"
               "      Model benchmark (prompt processing and generation speed of a GGUF model).\n"
               "  bench -h, --help\n"
               "      This help.\n",
               out);
}

// "a,b,c" -> {"a", "b", "c"}
std::vector<std::string> split_list(const char *s) {
    std::vector<std::string> items;
    std::string cur;
    for (const char *p = s;; p++) {
        if (*p == ',' || *p == '\0') {
            if (!cur.empty()) items.push_back(cur);
            cur.clear();
            if (*p == '\0') break;
        } else {
            cur += *p;
        }
    }
    return items;
}

bool parse_positive(const std::string &s, int *out) {
    char *end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (end == s.c_str() || *end != '\0' || v < 1 || v > 1024) return false;
    *out = int(v);
    return true;
}

int kernels_main(int argc, char **argv) {
    bench::kernel_options opt;
    for (const char *name : {"F32", "F16", "Q8_0", "Q4_0", "Q4_1", "Q4_Z", "Q3_Z"}) {
        ggml_type t;
        ggml_type_from_name(name, &t);
        opt.types.push_back(t);
    }
    opt.threads = {1, 2};
    for (int i = 0; i < argc; i++) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) {
            std::fprintf(stderr, "bench kernels: %s needs a value\n", arg.c_str());
            return 2;
        }
        const char *value = argv[++i];
        if (arg == "--type") {
            opt.types.clear();
            for (const std::string &name : split_list(value)) {
                ggml_type t;
                if (!ggml_type_from_name(name.c_str(), &t) ||
                    ggml_vec_dot_type(t) == GGML_TYPE_I32 || t == GGML_TYPE_Q8_1) {
                    std::fprintf(stderr, "bench kernels: %s is not a weight type\n", name.c_str());
                    return 2;
                }
                opt.types.push_back(t);
            }
        } else if (arg == "--threads") {
            opt.threads.clear();
            for (const std::string &n : split_list(value)) {
                int v;
                if (!parse_positive(n, &v)) {
                    std::fprintf(stderr, "bench kernels: bad thread count '%s'\n", n.c_str());
                    return 2;
                }
                opt.threads.push_back(v);
            }
        } else if (arg == "--reps") {
            if (!parse_positive(value, &opt.reps)) {
                std::fprintf(stderr, "bench kernels: bad --reps '%s'\n", value);
                return 2;
            }
        } else {
            std::fprintf(stderr, "bench kernels: unknown option %s\n", arg.c_str());
            print_usage(stderr);
            return 2;
        }
    }
    if (opt.types.empty() || opt.threads.empty()) {
        print_usage(stderr);
        return 2;
    }
    return bench::run_kernels(opt);
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    const std::string mode = argv[1];
    if (mode == "-h" || mode == "--help") {
        print_usage(stdout);
        return 0;
    }
    if (mode == "kernels") return kernels_main(argc - 2, argv + 2);
    if (mode == "-m") {
        std::fputs("bench: model mode is not part of this build yet\n", stderr);
        return 2;
    }
    std::fprintf(stderr, "bench: unknown mode '%s'\n", mode.c_str());
    print_usage(stderr);
    return 2;
}
