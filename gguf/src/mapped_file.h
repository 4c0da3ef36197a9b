// A whole file mapped into memory, for loaders that read large files
// without copying them (GGUF models). The mapping is private and writable:
// the model loader repacks weights in place (ggml_repack_rows), and a page
// written to becomes the process's own copy; the file never changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace llama {

class mapped_file {
  public:
    // Fails (nullptr, *error naming the path) for a missing, unreadable,
    // non-regular or empty file.
    static std::unique_ptr<mapped_file> open(const std::string &path, std::string *error);
    ~mapped_file();
    mapped_file(const mapped_file &) = delete;
    mapped_file &operator=(const mapped_file &) = delete;

    const uint8_t *data() const { return data_; }
    size_t size() const { return size_; }

  private:
    mapped_file(const uint8_t *data, size_t size) : data_(data), size_(size) {}
    const uint8_t *data_;
    size_t size_;
};

} // namespace llama
