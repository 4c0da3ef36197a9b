#include "gguf_c_api.h"

#include "gguf.h"
#include "gguf_value.h"

namespace llama {

last_error &gguf_error() noexcept {
    thread_local last_error error;
    return error;
}

} // namespace llama

const char *gguf_last_error(void) { return llama::gguf_error().get(); }

const char *gguf_type_name(enum gguf_value_type type) {
    return llama::gguf_type_name(llama::gguf_type(type));
}
