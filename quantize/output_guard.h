// Safety of the tools' output files: never overwrite an input, and never
// leave a half-written temporary behind when interrupted.
#pragma once

#include <string>
#include <vector>

namespace convert {

// What writing `output` would destroy of the inputs: "" when nothing, else
// a message naming the clash. The GGUF writer writes output's temporary file
// (gguf_writer::temp_path) and renames it over `output`, so both are checked
// against every input; an input that is a folder (a checkpoint) stands for
// every file in it. Paths are compared as files (also through links).
std::string output_clash(const std::string &output, const std::vector<std::string> &inputs);

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
