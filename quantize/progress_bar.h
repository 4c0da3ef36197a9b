// Progress of a quantization on stderr: one bar redrawn in place on a
// terminal, one line per tensor otherwise (logs, tests).
#pragma once

#include "ggml.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace quantize {

class progress_bar {
  public:
    explicit progress_bar(size_t n_tensors);
    // Tensor `name` (bytes_in bytes in the input) is written as `to`.
    void tensor_done(const std::string &name, ggml_type from, ggml_type to, uint64_t bytes_in);
    // Ends the bar's line on a terminal.
    void finish();

  private:
    size_t total_, done_ = 0;
    uint64_t bytes_in_ = 0;
    std::chrono::steady_clock::time_point start_;
    bool in_place_;
};

} // namespace quantize
