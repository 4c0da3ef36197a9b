// llama.h's last error (llama_last_error), and the guard that every C API
// function which can fail runs its body in (c_api_guard.h).
#pragma once

#include "c_api_guard.h"

#include <string>

namespace llama {

// This thread's llama_last_error.
last_error &llama_error() noexcept;

// Sets the thread's last error.
inline void set_error(std::string message) noexcept { llama_error().set(std::move(message)); }

// Runs body() and returns what it returns; if it throws, the last error
// says what and `failed` is returned.
template <typename R, typename Body>
R c_api_call(const char *function, R failed, Body &&body) noexcept {
    return guarded_call(llama_error(), function, failed, std::forward<Body>(body));
}

} // namespace llama
