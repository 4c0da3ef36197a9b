// Safety of the tools' output files: never overwrite an input, and never
// leave a half-written temporary behind when interrupted.
#pragma once

#include <string>

namespace convert {

// True when both paths name one existing file (also through links).
bool is_same_file(const std::string &a, const std::string &b);

// While alive, SIGINT, SIGTERM and SIGHUP remove `path` (a temporary file
// being written) before the process dies of the signal as it would have.
// One at a time per process.
class remove_on_interrupt {
  public:
    explicit remove_on_interrupt(const std::string &path);
    ~remove_on_interrupt();
    remove_on_interrupt(const remove_on_interrupt &) = delete;
    remove_on_interrupt &operator=(const remove_on_interrupt &) = delete;
};

} // namespace convert
