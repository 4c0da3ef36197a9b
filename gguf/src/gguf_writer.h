// GGUF v3 writing, to a temporary file renamed into place when complete.
// Spec: docs/formats.md section 3.
#pragma once

#include "ggml.h"
#include "gguf_value.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace llama {

// Builds a GGUF file: metadata in insertion order, then tensor infos, then
// the data, each tensor padded to the alignment, as llama.cpp writes them.
// The alignment is 32, or the value of a "general.alignment" UINT32 key.
class gguf_writer {
  public:
    void set(std::string key, gguf_value value); // replaces an existing key in place
    void set_u32(std::string key, uint32_t v);
    void set_i32(std::string key, int32_t v);
    void set_f32(std::string key, float v);
    void set_bool(std::string key, bool v);
    void set_string(std::string key, std::string v);
    void set_strings(std::string key, std::vector<std::string> v);
    void set_f32s(std::string key, const std::vector<float> &v);
    void set_i32s(std::string key, const std::vector<int32_t> &v);
    // The data is copied when add_tensor is called with a pointer, or written
    // later by `fill` (which gets a buffer of the tensor's size in bytes)
    // while write() runs, so large tensors never all sit in memory at once.
    // Names, shapes and types are checked by write().
    void add_tensor(std::string name, ggml_type type, int n_dims, const int64_t *ne,
                    const void *data);
    void add_tensor(std::string name, ggml_type type, int n_dims, const int64_t *ne,
                    std::function<void(void *dst)> fill);

    // Writes temp_path(path), created anew (a regular file of that name is
    // replaced; anything else there, such as a symbolic link, is refused,
    // never written through), then renames it to `path`; on any failure the
    // temporary is removed, *error says why, and `path` is untouched.
    bool write(const std::string &path, std::string *error) const;

    // The temporary file write() uses for `path`: `path` + ".tmp", in the
    // same folder so the rename is atomic. Known in advance so that a tool
    // can remove it from a signal handler if interrupted mid-write.
    static std::string temp_path(const std::string &path);

  private:
    struct pending_tensor {
        std::string name;
        ggml_type type;
        int n_dims;
        int64_t ne[GGML_MAX_DIMS];
        std::vector<uint8_t> bytes;
        std::function<void(void *dst)> fill;
    };
    std::vector<gguf_kv> kvs_;
    std::vector<pending_tensor> tensors_;
};

} // namespace llama
