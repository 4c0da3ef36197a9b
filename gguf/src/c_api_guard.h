// What the C APIs (gguf.h, llama.h) share: a thread's last error, and the
// guard every C function that can fail runs its body in, so that no C++
// exception (an out-of-memory std::bad_alloc above all) ever reaches a C
// caller. Each library keeps its own thread_local last_error.
#pragma once

#include <exception>
#include <new>
#include <string>

namespace llama {

class last_error {
  public:
    void set(std::string message) noexcept;
    // Sets "<function>: <what>"; when even that string cannot be allocated,
    // a fixed "out of memory".
    void set_of(const char *function, const char *what) noexcept;
    // The message (never NULL).
    const char *get() const noexcept { return fixed_ ? fixed_ : message_.c_str(); }

  private:
    std::string message_;
    const char *fixed_ = nullptr; // set instead of message_ when it could not be allocated
};

// Runs body() and returns what it returns; if it throws, `error` says what
// ("<function>: out of memory", or the exception's message) and `failed` is
// returned.
template <typename R, typename Body>
R guarded_call(last_error &error, const char *function, R failed, Body &&body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc &) {
        error.set_of(function, "out of memory");
    } catch (const std::exception &e) {
        error.set_of(function, e.what());
    } catch (...) {
        error.set_of(function, "unknown exception");
    }
    return failed;
}

} // namespace llama
