// GGUF v3 reading: the file memory-mapped, every byte checked before use,
// and typed access to its metadata. Spec: docs/formats.md section 3.
#pragma once

#include "ggml.h"
#include "gguf_value.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace llama {

class mapped_file;

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

} // namespace llama
