// What the C functions of gguf.h share: the library's last error and its
// guard (c_api_guard.h).
#pragma once

#include "c_api_guard.h"

namespace llama {

// This thread's gguf_last_error.
last_error &gguf_error() noexcept;

template <typename R, typename Body> R gguf_call(const char *function, R failed, Body &&body) {
    return guarded_call(gguf_error(), function, failed, std::forward<Body>(body));
}

} // namespace llama
