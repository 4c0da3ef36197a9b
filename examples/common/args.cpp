#include "args.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace args {

std::string weight_type_names() {
    std::vector<ggml_type> all(ggml_types(nullptr, 0));
    ggml_types(all.data(), all.size());
    std::string names;
    for (ggml_type t : all)
        if (ggml_is_weight_type(t))
            names += (names.empty() ? "" : ", ") + std::string(ggml_type_name(t));
    return names;
}

namespace {

std::string range_error(const std::string &value, const std::string &what) {
    return "'" + value + "' is not " + what;
}

bool parse_int(const std::string &s, int64_t *out) {
    if (s.empty()) return false;
    char *end = nullptr;
    errno = 0;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno != 0 || *end != '\0') return false;
    *out = v;
    return true;
}

std::string with_default(std::string help, const std::string &value) {
    return help + " (default: " + value + ")";
}

std::string format_float(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", double(v));
    return buf;
}

constexpr int HELP_WIDTH = 80;

// Prints the words of `text` from column `column`, wrapping to HELP_WIDTH
// with continuation lines indented by `indent`. Line breaks in the text are
// kept, and lines that start with a space (examples) are printed as they are.
void print_wrapped(const std::string &text, int column, int indent) {
    std::stringstream lines(text);
    std::string line;
    bool first_line = true;
    while (std::getline(lines, line)) {
        if (!first_line) {
            std::printf("\n%*s", indent, "");
            column = indent;
        }
        first_line = false;
        if (!line.empty() && line[0] == ' ') {
            std::printf("%s", line.c_str());
            continue;
        }
        std::stringstream words(line);
        std::string word;
        bool first_word = true;
        while (words >> word) {
            if (!first_word && column + 1 + int(word.size()) > HELP_WIDTH) {
                std::printf("\n%*s", indent, "");
                column = indent;
                first_word = true;
            }
            std::printf("%s%s", first_word ? "" : " ", word.c_str());
            column += int(word.size()) + (first_word ? 0 : 1);
            first_word = false;
        }
    }
    std::printf("\n");
}

} // namespace

flag string_flag(std::vector<std::string> names, std::string value, std::string help,
                 std::string *target) {
    if (!target->empty()) help = with_default(help, *target);
    return {std::move(names), std::move(value), std::move(help), [target](const std::string &v) {
                *target = v;
                return std::string();
            }};
}

flag int_flag(std::vector<std::string> names, std::string help, int64_t min, int64_t max,
              int32_t *target) {
    return {std::move(names), "N", with_default(help, std::to_string(*target)),
            [=](const std::string &v) {
                int64_t x;
                if (!parse_int(v, &x) || x < min || x > max)
                    return range_error(v, "an integer from " + std::to_string(min) + " to " +
                                              std::to_string(max));
                *target = int32_t(x);
                return std::string();
            }};
}

flag uint_flag(std::vector<std::string> names, std::string help, uint32_t min, uint32_t max,
               uint32_t *target) {
    return {std::move(names), "N", with_default(help, std::to_string(*target)),
            [=](const std::string &v) {
                int64_t x;
                if (!parse_int(v, &x) || x < int64_t(min) || x > int64_t(max))
                    return range_error(v, "an integer from " + std::to_string(min) + " to " +
                                              std::to_string(max));
                *target = uint32_t(x);
                return std::string();
            }};
}

flag float_flag(std::vector<std::string> names, std::string help, float min, float max,
                float *target) {
    return {std::move(names), "X", with_default(help, format_float(*target)),
            [=](const std::string &v) {
                char *end = nullptr;
                const float x = std::strtof(v.c_str(), &end);
                if (v.empty() || *end != '\0' || !std::isfinite(x) || x < min || x > max)
                    return range_error(v, "a number from " + format_float(min) + " to " +
                                              format_float(max));
                *target = x;
                return std::string();
            }};
}

flag switch_flag(std::vector<std::string> names, std::string help, bool *target) {
    return {std::move(names), "", std::move(help), [target](const std::string &) {
                *target = true;
                return std::string();
            }};
}

flag int_list_flag(std::vector<std::string> names, std::string help, int64_t min, int64_t max,
                   std::vector<int32_t> *target) {
    std::string shown;
    for (int32_t v : *target) {
        if (!shown.empty()) shown += ',';
        shown += std::to_string(v);
    }
    return {std::move(names), "N,N,..", with_default(help, shown), [=](const std::string &v) {
                std::vector<int32_t> values;
                std::stringstream ss(v);
                std::string item;
                while (std::getline(ss, item, ',')) {
                    int64_t x;
                    if (!parse_int(item, &x) || x < min || x > max)
                        return range_error(v, "a list of integers from " + std::to_string(min) +
                                                  " to " + std::to_string(max));
                    values.push_back(int32_t(x));
                }
                if (values.empty()) return range_error(v, "a list of integers");
                *target = values;
                return std::string();
            }};
}

flag model_flag(std::string *path) {
    return string_flag({"-m", "--model"}, "FILE", "model file (GGUF)", path);
}

flag threads_flag(int32_t *n_threads) {
    return int_flag({"-t", "--threads"}, "threads to compute with", 1, 512, n_threads);
}

flag ctx_flag(uint32_t *n_ctx) {
    return uint_flag({"-c", "--ctx-size"},
                     "context size in tokens; 0 = the model's training context, at most 4096", 0,
                     1u << 20, n_ctx);
}

flag batch_flag(uint32_t *n_batch) {
    return uint_flag({"-b", "--batch-size"}, "most tokens evaluated in one batch", 1, 1u << 16,
                     n_batch);
}

flag seed_flag(uint32_t *seed) {
    return uint_flag({"-s", "--seed"}, "random seed for sampling", 0, UINT32_MAX, seed);
}

parser::parser(std::string program, std::string usage, std::string description)
    : program_(std::move(program)), usage_(std::move(usage)), description_(std::move(description)) {
}

void parser::add(flag f) { flags_.push_back(std::move(f)); }

void parser::positional(std::vector<std::string> names, std::vector<std::string *> targets,
                        size_t n_required) {
    positional_names_ = std::move(names);
    positional_targets_ = std::move(targets);
    positional_required_ = n_required;
}

void parser::error(const std::string &message) const {
    std::fprintf(stderr, "%s: %s\nTry '%s -h' for help.\n", program_.c_str(), message.c_str(),
                 program_.c_str());
}

void parser::print_help() const {
    constexpr int NAMES = 28, HELP_COLUMN = 2 + NAMES + 1;
    std::printf("usage: %s %s\n\n", program_.c_str(), usage_.c_str());
    print_wrapped(description_, 0, 0);
    std::printf("\noptions:\n");
    std::printf("  %-*s %s\n", NAMES, "-h, --help", "show this help and exit");
    for (const flag &f : flags_) {
        std::string names;
        for (const std::string &n : f.names) names += (names.empty() ? "" : ", ") + n;
        if (!f.value.empty()) names += " " + f.value;
        std::printf("  %-*s ", NAMES, names.c_str());
        if (names.size() > size_t(NAMES)) { // too long: help on the next line
            std::printf("\n%*s", HELP_COLUMN, "");
        }
        print_wrapped(f.help, HELP_COLUMN, HELP_COLUMN);
    }
}

bool parser::parse(int argc, char **argv, int *exit_code) {
    size_t n_positional = 0;
    for (int i = 1; i < argc; i++) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            print_help();
            *exit_code = 0;
            return false;
        }
        if (arg.size() > 1 && arg[0] == '-') {
            const flag *match = nullptr;
            for (const flag &f : flags_)
                for (const std::string &n : f.names)
                    if (n == arg) match = &f;
            if (!match) {
                error("unknown option '" + arg + "'");
                *exit_code = 1;
                return false;
            }
            std::string value;
            if (!match->value.empty()) {
                if (i + 1 >= argc) {
                    error("option '" + arg + "' needs a value (" + match->value + ")");
                    *exit_code = 1;
                    return false;
                }
                value = argv[++i];
            }
            if (const std::string err = match->set(value); !err.empty()) {
                error("option '" + arg + "': " + err);
                *exit_code = 1;
                return false;
            }
            continue;
        }
        if (n_positional >= positional_targets_.size()) {
            error("unexpected argument '" + arg + "'");
            *exit_code = 1;
            return false;
        }
        *positional_targets_[n_positional++] = arg;
    }
    if (n_positional < positional_required_) {
        error("missing " + positional_names_[n_positional]);
        *exit_code = 1;
        return false;
    }
    return true;
}

} // namespace args
