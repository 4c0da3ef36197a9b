// GGUF v3: reading (memory-mapped, every byte checked before use) and
// writing (to a temporary file renamed into place when complete).
// Spec: ../shared/docs/formats.md section 3.
#pragma once

#include "ggml.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace llama {

enum class gguf_type : uint32_t {
    UINT8 = 0,
    INT8 = 1,
    UINT16 = 2,
    INT16 = 3,
    UINT32 = 4,
    INT32 = 5,
    FLOAT32 = 6,
    BOOL = 7,
    STRING = 8,
    ARRAY = 9,
    UINT64 = 10,
    INT64 = 11,
    FLOAT64 = 12,
};

const char *gguf_type_name(gguf_type type);

// An array value: its element type and the elements (strings for STRING
// arrays, numbers widened to the variant's types otherwise).
struct gguf_array {
    gguf_type elem_type;
    std::vector<std::variant<uint64_t, int64_t, double, bool, std::string>> values;
};

struct gguf_value {
    gguf_type type;
    // UINT* -> uint64_t, INT* -> int64_t, FLOAT* -> double, BOOL, STRING, ARRAY
    std::variant<uint64_t, int64_t, double, bool, std::string, gguf_array> v;
};

struct gguf_kv {
    std::string key;
    gguf_value value;
};

struct gguf_tensor {
    std::string name;
    ggml_type type;
    int n_dims;
    int64_t ne[GGML_MAX_DIMS]; // unused dims are 1
    uint64_t offset;           // from the start of the data section
    size_t size;               // bytes
    const void *data;          // inside the mapping
};

// A GGUF file mapped read-only. open() checks the whole structure (magic,
// version, counts, lengths, types, dims, that each tensor lies inside the
// file, is aligned and overlaps no other) and fails with a message naming the
// file and what is wrong; afterwards every accessor is safe.
class gguf_file {
  public:
    static std::unique_ptr<gguf_file> open(const std::string &path, std::string *error);
    ~gguf_file();
    gguf_file(const gguf_file &) = delete;
    gguf_file &operator=(const gguf_file &) = delete;

    const std::string &path() const { return path_; }
    uint32_t version() const { return version_; }
    uint32_t alignment() const { return alignment_; }

    const std::vector<gguf_kv> &metadata() const { return kvs_; }
    const gguf_value *find(std::string_view key) const;

    const std::vector<gguf_tensor> &tensors() const { return tensors_; }
    const gguf_tensor *find_tensor(std::string_view name) const;

  private:
    gguf_file() = default;
    std::string path_;
    uint32_t version_ = 0;
    uint32_t alignment_ = 32;
    std::vector<gguf_kv> kvs_;
    std::vector<gguf_tensor> tensors_;
    void *map_ = nullptr;
    size_t map_size_ = 0;
};

// Typed reads of metadata for the model loader: nullopt when the key is
// absent; an error message (in *error) when present with another type.
std::optional<uint64_t> gguf_get_uint(const gguf_file &f, std::string_view key, std::string *error);
std::optional<double> gguf_get_float(const gguf_file &f, std::string_view key, std::string *error);
std::optional<bool> gguf_get_bool(const gguf_file &f, std::string_view key, std::string *error);
std::optional<std::string> gguf_get_string(const gguf_file &f, std::string_view key,
                                           std::string *error);
const gguf_array *gguf_get_array(const gguf_file &f, std::string_view key, gguf_type elem_type,
                                 std::string *error);

// Builds a GGUF file: metadata in insertion order, then tensor infos, then
// the data, each tensor padded to the alignment, as llama.cpp writes them.
class gguf_writer {
  public:
    void set(std::string key, gguf_value value); // replaces an existing key
    void set_u32(std::string key, uint32_t v);
    void set_i32(std::string key, int32_t v);
    void set_f32(std::string key, float v);
    void set_bool(std::string key, bool v);
    void set_string(std::string key, std::string v);
    void set_strings(std::string key, std::vector<std::string> v);
    void set_f32s(std::string key, const std::vector<float> &v);
    void set_i32s(std::string key, const std::vector<int32_t> &v);
    // The data is copied when add_tensor is called with a pointer, or written
    // later by `fill` (which gets the destination buffer) for large tensors.
    void add_tensor(std::string name, ggml_type type, int n_dims, const int64_t *ne,
                    const void *data);
    void add_tensor(std::string name, ggml_type type, int n_dims, const int64_t *ne,
                    std::function<void(void *dst)> fill);

    // Writes `path` + ".tmp", then renames it to `path`; on any failure the
    // temporary is removed, *error says why, and `path` is untouched.
    bool write(const std::string &path, std::string *error) const;

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
    uint32_t alignment_ = 32;
};

} // namespace llama
