// GGUF v3 metadata values as the reader returns them and the writer takes
// them. Spec: docs/formats.md section 3.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
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
    // Element i of a STRING array without a copy: in the file's bytes, or
    // in the held value; valid while these elements live.
    std::string_view string_at(size_t i) const;
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

} // namespace llama
