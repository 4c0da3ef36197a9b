// `bench kernels`: memory bandwidth, int8 dot peak, and the mul_mat kernels
// of every weight type measured through the graph API.
#pragma once

#include "ggml.h"

#include <vector>

namespace bench {

struct kernel_options {
    std::vector<ggml_type> types; // weight types to measure
    std::vector<int> threads;     // thread counts
    int reps = 3;                 // timed repetitions; the median is reported
};

// Prints the kernel table to stdout; returns a process exit code.
int run_kernels(const kernel_options &opt);

} // namespace bench
