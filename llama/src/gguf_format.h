// Constants and checks of the GGUF v3 format shared by the reader and the
// writer, so both agree on what a valid file is.
#pragma once

#include "gguf.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace llama::gguf_format {

constexpr uint32_t MAGIC = 0x46554747u; // "GGUF" read as a little-endian uint32
constexpr uint32_t VERSION = 3;
constexpr uint32_t DEFAULT_ALIGNMENT = 32;
// Tensor data is read in place: F32 and I32 elements need their 4-byte
// alignment (fp16 block scales 2), so a general.alignment below this is
// refused rather than leaving the kernels to read misaligned data.
constexpr uint32_t MIN_ALIGNMENT = 4;
constexpr size_t MAX_NAME_BYTES = GGML_MAX_NAME - 1; // ggml keeps a terminator

bool is_valid_type(uint32_t id);
// Bytes of one value of a fixed-size type; 0 for STRING and ARRAY.
size_t fixed_size(gguf_type type);
// Fewest bytes one value of the type takes in a file (a string: its length).
size_t min_encoded_size(gguf_type type);

inline bool is_power_of_two(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }
// "" for a valid general.alignment, else what is wrong with it.
std::string check_alignment(uint64_t alignment);
inline uint64_t align_up(uint64_t x, uint64_t alignment) {
    return (x + alignment - 1) / alignment * alignment;
}

// A key or tensor name fit for a message: control bytes escaped, cut after
// 64 bytes (a corrupt file may hold a name of megabytes).
std::string printable(std::string_view name);

// Checks a tensor's name, dimensions and type as a file would hold them.
// Returns "" and sets *nbytes to its data size, or says what is wrong
// ("tensor 'x': ne[1] is 0").
std::string check_tensor(std::string_view name, uint32_t type, uint32_t n_dims, const uint64_t *ne,
                         uint64_t *nbytes);

} // namespace llama::gguf_format
