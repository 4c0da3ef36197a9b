// The thread's last error (llama_last_error), and the guard that every C API
// function which can fail runs its body in, so that no C++ exception (an
// out-of-memory std::bad_alloc above all) ever reaches a C caller.
#pragma once

#include <exception>
#include <new>
#include <string>

namespace llama {

// Sets the thread's last error.
void set_error(std::string message) noexcept;

// Sets "<function>: <what>"; when even that string cannot be allocated, a
// fixed "out of memory".
void set_error_of(const char *function, const char *what) noexcept;

// Runs body() and returns what it returns; if it throws, the last error
// says what ("<function>: out of memory", or the exception's message) and
// `failed` is returned.
template <typename R, typename Body>
R c_api_call(const char *function, R failed, Body &&body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc &) {
        set_error_of(function, "out of memory");
    } catch (const std::exception &e) {
        set_error_of(function, e.what());
    } catch (...) {
        set_error_of(function, "unknown exception");
    }
    return failed;
}

} // namespace llama
