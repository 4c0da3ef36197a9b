// gguf.h's writing functions, over gguf_writer (gguf_writer.h).
#include "gguf.h"
#include "gguf_c_api.h"
#include "gguf_writer.h"

struct gguf_builder {
    llama::gguf_writer writer;
};

using llama::gguf_call;

gguf_builder *gguf_builder_new(void) {
    return gguf_call("gguf_builder_new", static_cast<gguf_builder *>(nullptr),
                     [] { return new gguf_builder; });
}

void gguf_builder_free(gguf_builder *b) { delete b; }

namespace {

// Runs a setter of the writer, which fails only when memory runs out.
template <typename Set> bool set(const char *function, Set s) {
    return gguf_call(function, false, [&] {
        s();
        return true;
    });
}

} // namespace

bool gguf_set_u32(gguf_builder *b, const char *key, uint32_t v) {
    return set("gguf_set_u32", [&] { b->writer.set_u32(key, v); });
}
bool gguf_set_i32(gguf_builder *b, const char *key, int32_t v) {
    return set("gguf_set_i32", [&] { b->writer.set_i32(key, v); });
}
bool gguf_set_f32(gguf_builder *b, const char *key, float v) {
    return set("gguf_set_f32", [&] { b->writer.set_f32(key, v); });
}
bool gguf_set_bool(gguf_builder *b, const char *key, bool v) {
    return set("gguf_set_bool", [&] { b->writer.set_bool(key, v); });
}
bool gguf_set_string(gguf_builder *b, const char *key, const char *v) {
    return set("gguf_set_string", [&] { b->writer.set_string(key, v); });
}
bool gguf_set_strings(gguf_builder *b, const char *key, const char *const *v, size_t n) {
    return set("gguf_set_strings",
               [&] { b->writer.set_strings(key, std::vector<std::string>(v, v + n)); });
}
bool gguf_set_f32s(gguf_builder *b, const char *key, const float *v, size_t n) {
    return set("gguf_set_f32s", [&] { b->writer.set_f32s(key, std::vector<float>(v, v + n)); });
}
bool gguf_set_i32s(gguf_builder *b, const char *key, const int32_t *v, size_t n) {
    return set("gguf_set_i32s", [&] { b->writer.set_i32s(key, std::vector<int32_t>(v, v + n)); });
}

bool gguf_add_tensor(gguf_builder *b, const char *name, ggml_type type, int32_t n_dims,
                     const int64_t *ne, const void *data) {
    return set("gguf_add_tensor", [&] { b->writer.add_tensor(name, type, n_dims, ne, data); });
}

bool gguf_add_tensor_fill(gguf_builder *b, const char *name, ggml_type type, int32_t n_dims,
                          const int64_t *ne, void (*fill)(void *dst, void *user), void *user) {
    return set("gguf_add_tensor_fill", [&] {
        b->writer.add_tensor(name, type, n_dims, ne, [fill, user](void *dst) { fill(dst, user); });
    });
}

bool gguf_write(const gguf_builder *b, const char *path) {
    return gguf_call("gguf_write", false, [&] {
        std::string error = "gguf_write: no path";
        if (path && b->writer.write(path, &error)) return true;
        llama::gguf_error().set(error);
        return false;
    });
}
