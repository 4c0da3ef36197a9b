// GGUF v3: reading (memory-mapped, every byte checked before use) and
// writing (to a temporary file renamed into place when complete).
// Spec: docs/formats.md section 3.
#pragma once

#include "ggml.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace llama {

class mapped_file;

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

// "UINT32", "STRING", ...; "unknown" for ids outside the enum.
const char *gguf_type_name(gguf_type type);

// One array element or scalar: UINT* -> uint64_t, INT* -> int64_t,
// FLOAT* -> double, BOOL -> bool, STRING -> std::string.
using gguf_scalar = std::variant<uint64_t, int64_t, double, bool, std::string>;

// The elements of an ARRAY value, each read as a gguf_scalar. Read from a
// file they stay as the file encodes them, in place (strings found by an
// offset each), so that an array costs about its size in the file: a
// variant per element cost 40 bytes, and a 50 MB array of bytes took 2 GB
// before anything could check it. Such elements point into the file's bytes
// and are valid while the gguf_file lives. Made in memory, for a writer,
// they are held as values.
class gguf_elements {
  public:
    gguf_elements() = default;
    gguf_elements(std::initializer_list<gguf_scalar> values) : held_(values) {}
    explicit gguf_elements(std::vector<gguf_scalar> values) : held_(std::move(values)) {}
    // `count` elements of `type` encoded at `data` (checked by the reader);
    // for STRING, string_offsets[i] is where element i's length field is.
    static gguf_elements in_place(gguf_type type, const uint8_t *data, size_t count,
                                  std::vector<size_t> string_offsets);

    size_t size() const { return in_place_ ? count_ : held_.size(); }
    bool empty() const { return size() == 0; }
    gguf_scalar operator[](size_t i) const;
    bool operator==(const gguf_elements &other) const;

    // For range-for: yields the elements by value.
    class iterator {
      public:
        iterator(const gguf_elements *e, size_t i) : e_(e), i_(i) {}
        gguf_scalar operator*() const { return (*e_)[i_]; }
        iterator &operator++() {
            i_++;
            return *this;
        }
        bool operator!=(const iterator &other) const { return i_ != other.i_; }

      private:
        const gguf_elements *e_;
        size_t i_;
    };
    iterator begin() const { return {this, 0}; }
    iterator end() const { return {this, size()}; }

  private:
    std::vector<gguf_scalar> held_;
    bool in_place_ = false;
    gguf_type type_ = gguf_type::UINT8;
    const uint8_t *data_ = nullptr;
    size_t count_ = 0;
    std::vector<size_t> string_offsets_;
};

// An array value: its element type and the elements.
struct gguf_array {
    gguf_type elem_type;
    gguf_elements values;
    bool operator==(const gguf_array &) const = default;
};

struct gguf_value {
    gguf_type type;
    // As gguf_scalar, plus gguf_array for ARRAY.
    std::variant<uint64_t, int64_t, double, bool, std::string, gguf_array> v;
    bool operator==(const gguf_value &) const = default;
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
    // The same checks on bytes in memory; `name` stands for the path in
    // messages. The bytes are kept, and tensors point into them.
    static std::unique_ptr<gguf_file> from_bytes(std::string name, std::vector<uint8_t> bytes,
                                                 std::string *error);
    ~gguf_file();
    gguf_file(const gguf_file &) = delete;
    gguf_file &operator=(const gguf_file &) = delete;

    const std::string &path() const { return path_; }
    uint32_t version() const { return version_; }
    uint32_t alignment() const { return alignment_; }
    size_t file_size() const { return size_; }
    // Where the data section starts (tensor offsets are relative to it).
    uint64_t data_offset() const { return data_offset_; }

    const std::vector<gguf_kv> &metadata() const { return kvs_; }
    const gguf_value *find(std::string_view key) const;

    const std::vector<gguf_tensor> &tensors() const { return tensors_; }
    const gguf_tensor *find_tensor(std::string_view name) const;

  private:
    friend class gguf_parser;
    gguf_file();
    std::string path_;
    uint32_t version_ = 0;
    uint32_t alignment_ = 32;
    uint64_t data_offset_ = 0;
    std::vector<gguf_kv> kvs_;
    std::vector<gguf_tensor> tensors_;
    // Names to indices; the views point into kvs_ and tensors_.
    std::unordered_map<std::string_view, size_t> kv_index_;
    std::unordered_map<std::string_view, size_t> tensor_index_;
    // The bytes: a mapping (open) or a buffer (from_bytes).
    std::unique_ptr<mapped_file> map_;
    std::vector<uint8_t> owned_;
    const uint8_t *bytes_ = nullptr;
    size_t size_ = 0;
};

// Typed reads of metadata for the model loader. The get_ functions return
// nullopt when the key is absent, leaving *error untouched; when the key is
// present with another type (or a negative value for get_uint) they return
// nullopt and set *error to a message naming the file and the key. So:
//   std::string err;
//   uint64_t n = gguf_get_uint(f, "llama.block_count", &err).value_or(1);
//   if (!err.empty()) fail(err);
// get_uint accepts every integer type, get_float FLOAT32 and FLOAT64.
std::optional<uint64_t> gguf_get_uint(const gguf_file &f, std::string_view key, std::string *error);
std::optional<double> gguf_get_float(const gguf_file &f, std::string_view key, std::string *error);
std::optional<bool> gguf_get_bool(const gguf_file &f, std::string_view key, std::string *error);
std::optional<std::string> gguf_get_string(const gguf_file &f, std::string_view key,
                                           std::string *error);
// nullptr when absent; nullptr and *error when not an array of elem_type.
const gguf_array *gguf_get_array(const gguf_file &f, std::string_view key, gguf_type elem_type,
                                 std::string *error);

// The same for keys that must be present: absence is an error too
// ("<file>: required key '<key>' is missing").
std::optional<uint64_t> gguf_require_uint(const gguf_file &f, std::string_view key,
                                          std::string *error);
std::optional<std::string> gguf_require_string(const gguf_file &f, std::string_view key,
                                               std::string *error);
const gguf_array *gguf_require_array(const gguf_file &f, std::string_view key, gguf_type elem_type,
                                     std::string *error);

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
