#include "last_error.h"

#include "llama.h"

namespace {

thread_local std::string last_error;
// Set instead of last_error when a message could not be allocated.
thread_local const char *fixed_error = nullptr;

} // namespace

namespace llama {

void set_error(std::string message) noexcept {
    last_error = std::move(message);
    fixed_error = nullptr;
}

void set_error_of(const char *function, const char *what) noexcept {
    try {
        set_error(std::string(function) + ": " + what);
    } catch (const std::bad_alloc &) {
        last_error.clear();
        fixed_error = "out of memory";
    }
}

} // namespace llama

const char *llama_last_error(void) { return fixed_error ? fixed_error : last_error.c_str(); }
