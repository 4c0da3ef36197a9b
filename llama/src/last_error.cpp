#include "last_error.h"

#include "llama.h"

namespace llama {

last_error &llama_error() noexcept {
    thread_local last_error error;
    return error;
}

} // namespace llama

const char *llama_last_error(void) { return llama::llama_error().get(); }
