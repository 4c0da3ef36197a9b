#include "progress_bar.h"

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace quantize {

namespace {

// "####----": done of total in WIDTH characters
std::string bar_of(size_t done, size_t total) {
    constexpr size_t WIDTH = 20;
    const size_t filled = total ? std::min(done, total) * WIDTH / total : WIDTH;
    return std::string(filled, '#') + std::string(WIDTH - filled, '-');
}

} // namespace

progress_bar::progress_bar(size_t n_tensors)
    : total_(n_tensors), start_(std::chrono::steady_clock::now()),
      in_place_(isatty(STDERR_FILENO)) {}

void progress_bar::tensor_done(const std::string &name, ggml_type from, ggml_type to,
                               uint64_t bytes_in) {
    done_++;
    bytes_in_ += bytes_in;
    const std::string bar = bar_of(done_, total_);
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

step_progress::step_progress(std::string label, size_t n_steps)
    : label_(std::move(label)), total_(n_steps), in_place_(isatty(STDERR_FILENO)) {}

void step_progress::step(const std::string &next) {
    done_++;
    if (in_place_) draw(next, false);
}

void step_progress::finish(const std::string &summary) {
    done_ = total_;
    draw(summary, true);
}

void step_progress::draw(const std::string &text, bool final) {
    std::fprintf(stderr, "%s%s [%s] %s%s", in_place_ ? "\r" : "", label_.c_str(),
                 bar_of(done_, total_).c_str(), text.c_str(),
                 final ? (in_place_ ? "\033[K\n" : "\n") : "\033[K");
    std::fflush(stderr);
}

} // namespace quantize
