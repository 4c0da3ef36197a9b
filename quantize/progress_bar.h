// Progress of a quantization on stderr: one bar redrawn in place on a
// terminal, one line per tensor otherwise (logs, tests); and of the steps
// of one task, such as GPTQ on one layer.
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

// A bar redrawn in place on a terminal as the steps of a task are done; on
// other output (logs, tests) only the final line.
class step_progress {
  public:
    step_progress(std::string label, size_t n_steps);
    // One more step done; `next` says what comes now.
    void step(const std::string &next);
    // Ends with a full bar and `summary`.
    void finish(const std::string &summary);

  private:
    void draw(const std::string &text, bool final);
    std::string label_;
    size_t total_, done_ = 0;
    bool in_place_;
};

} // namespace quantize
