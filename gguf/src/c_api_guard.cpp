#include "c_api_guard.h"

namespace llama {

void last_error::set(std::string message) noexcept {
    message_ = std::move(message);
    fixed_ = nullptr;
}

void last_error::set_of(const char *function, const char *what) noexcept {
    try {
        set(std::string(function) + ": " + what);
    } catch (const std::bad_alloc &) {
        message_.clear();
        fixed_ = "out of memory";
    }
}

} // namespace llama
