// One table of command-line flags for the tools: each flag is defined once
// (its names, value, help and how it is set), tools pick the ones they take,
// and -h is generated from the same table.
#pragma once

#include "ggml.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace args {

// The types ggml can multiply as weights ("F32, F16, ..."), for the
// messages of flags that take one.
std::string weight_type_names();

struct flag {
    std::vector<std::string> names; // e.g. {"-m", "--model"}
    std::string value;              // name of its value ("FILE", "N"); empty for a switch
    std::string help;
    // Sets the option from the value; returns an error message or "".
    std::function<std::string(const std::string &value)> set;
};

// Typed flags. Ranges are inclusive; the default shown in -h is the
// variable's value when the flag is made.
flag string_flag(std::vector<std::string> names, std::string value, std::string help,
                 std::string *target);
flag int_flag(std::vector<std::string> names, std::string help, int64_t min, int64_t max,
              int32_t *target);
flag uint_flag(std::vector<std::string> names, std::string help, uint32_t min, uint32_t max,
               uint32_t *target);
flag float_flag(std::vector<std::string> names, std::string help, float min, float max,
                float *target);
flag switch_flag(std::vector<std::string> names, std::string help, bool *target);
// A list of integers separated by commas ("1,2").
flag int_list_flag(std::vector<std::string> names, std::string help, int64_t min, int64_t max,
                   std::vector<int32_t> *target);

// The flags several tools share, defined once.
flag model_flag(std::string *path);
flag threads_flag(int32_t *n_threads);
flag ctx_flag(uint32_t *n_ctx);
flag batch_flag(uint32_t *n_batch);
flag seed_flag(uint32_t *seed);

class parser {
  public:
    parser(std::string program, std::string usage, std::string description);
    void add(flag f);
    // Positional arguments (in order) after the flags, e.g. {"IN.gguf", "OUT.gguf"}.
    void positional(std::vector<std::string> names, std::vector<std::string *> targets,
                    size_t n_required);

    // Parses argv. Returns true to go on; false when the program should exit
    // with *exit_code (0 after -h, 1 after printing an error).
    bool parse(int argc, char **argv, int *exit_code);
    void print_help() const;
    // "program: message" on stderr, pointing at -h.
    void error(const std::string &message) const;

  private:
    std::string program_, usage_, description_;
    std::vector<flag> flags_;
    std::vector<std::string> positional_names_;
    std::vector<std::string *> positional_targets_;
    size_t positional_required_ = 0;
};

} // namespace args
