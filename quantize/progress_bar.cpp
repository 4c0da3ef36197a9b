#include "progress_bar.h"

#include <cstdio>
#include <unistd.h>

namespace quantize {

progress_bar::progress_bar(size_t n_tensors)
    : total_(n_tensors), start_(std::chrono::steady_clock::now()),
      in_place_(isatty(STDERR_FILENO)) {}

void progress_bar::tensor_done(const std::string &name, ggml_type from, ggml_type to,
                               uint64_t bytes_in) {
    done_++;
    bytes_in_ += bytes_in;
    constexpr size_t WIDTH = 20;
    const size_t filled = total_ ? done_ * WIDTH / total_ : WIDTH;
    const std::string bar = std::string(filled, '#') + std::string(WIDTH - filled, '-');
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    char rate[32] = "-";
    if (seconds > 0) std::snprintf(rate, sizeof rate, "%.1f", double(bytes_in_) / 1e6 / seconds);
    // "\033[K" clears what a longer previous line left on a terminal.
    std::fprintf(stderr, "%s[%s] %3zu/%zu %-28s %4s -> %-4s %8s MB/s%s", in_place_ ? "\r" : "",
                 bar.c_str(), done_, total_, name.c_str(), ggml_type_name(from), ggml_type_name(to),
                 rate, in_place_ ? "\033[K" : "\n");
    std::fflush(stderr);
}

void progress_bar::finish() {
    if (in_place_ && done_ > 0) std::fputc('\n', stderr);
}

} // namespace quantize
