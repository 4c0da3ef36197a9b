// The machine's integer dot-product peak: a tight loop of the best int8
// multiply-accumulate sequence of the active kernel level, with enough
// independent accumulators to hide its latency.
#pragma once

#include "ggml.h"

#include <cstdint>

namespace bench {

struct int8_peak_loop {
    const char *name; // the instruction sequence timed
    // Runs the loop `iters` times; returns the ops it performed (2 per
    // multiply-add). Only for a CPU with the instructions (int8_peak_for
    // picks by the active level).
    int64_t (*run)(int64_t iters);
};

// The loop for a kernel level, or {nullptr, nullptr} if there is none.
int8_peak_loop int8_peak_for(ggml_cpu_level level);

} // namespace bench
