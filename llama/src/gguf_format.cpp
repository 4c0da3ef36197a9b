#include "gguf_format.h"

#include "string_printf.h"

#include <cinttypes>

namespace llama {

const char *gguf_type_name(gguf_type type) {
    switch (type) {
    case gguf_type::UINT8: return "UINT8";
    case gguf_type::INT8: return "INT8";
    case gguf_type::UINT16: return "UINT16";
    case gguf_type::INT16: return "INT16";
    case gguf_type::UINT32: return "UINT32";
    case gguf_type::INT32: return "INT32";
    case gguf_type::FLOAT32: return "FLOAT32";
    case gguf_type::BOOL: return "BOOL";
    case gguf_type::STRING: return "STRING";
    case gguf_type::ARRAY: return "ARRAY";
    case gguf_type::UINT64: return "UINT64";
    case gguf_type::INT64: return "INT64";
    case gguf_type::FLOAT64: return "FLOAT64";
    }
    return "unknown";
}

namespace gguf_format {

bool is_valid_type(uint32_t id) { return id <= uint32_t(gguf_type::FLOAT64); }

size_t fixed_size(gguf_type type) {
    switch (type) {
    case gguf_type::UINT8:
    case gguf_type::INT8:
    case gguf_type::BOOL: return 1;
    case gguf_type::UINT16:
    case gguf_type::INT16: return 2;
    case gguf_type::UINT32:
    case gguf_type::INT32:
    case gguf_type::FLOAT32: return 4;
    case gguf_type::UINT64:
    case gguf_type::INT64:
    case gguf_type::FLOAT64: return 8;
    case gguf_type::STRING:
    case gguf_type::ARRAY: return 0;
    }
    return 0;
}

size_t min_encoded_size(gguf_type type) {
    if (type == gguf_type::STRING) return sizeof(uint64_t);
    if (type == gguf_type::ARRAY) return sizeof(uint32_t) + sizeof(uint64_t);
    return fixed_size(type);
}

std::string printable(std::string_view name) {
    constexpr size_t LIMIT = 64;
    std::string out;
    for (size_t i = 0; i < name.size() && i < LIMIT; i++) {
        const unsigned char c = static_cast<unsigned char>(name[i]);
        if (c < 0x20 || c == 0x7f)
            out += string_printf("\\x%02x", c);
        else
            out += char(c);
    }
    if (name.size() > LIMIT) out += "...";
    return out;
}

std::string check_alignment(uint64_t alignment) {
    if (!is_power_of_two(alignment))
        return string_printf("the alignment %" PRIu64 " is not a power of two", alignment);
    if (alignment < MIN_ALIGNMENT || alignment > UINT32_MAX)
        return string_printf("the alignment %" PRIu64 " is not from %u to 2^31: tensor data is "
                             "read in place, and F32 and I32 elements need 4-byte alignment",
                             alignment, MIN_ALIGNMENT);
    return "";
}

std::string check_tensor(std::string_view name, uint32_t type, uint32_t n_dims, const uint64_t *ne,
                         uint64_t *nbytes) {
    if (name.empty()) return "a tensor has an empty name";
    const std::string who = "tensor '" + printable(name) + "'";
    if (name.size() > MAX_NAME_BYTES)
        return string_printf("%s: the name is %zu bytes long; the limit is %zu", who.c_str(),
                             name.size(), MAX_NAME_BYTES);
    if (n_dims < 1 || n_dims > GGML_MAX_DIMS)
        return string_printf("%s: n_dims is %u; it must be 1 to %d", who.c_str(), n_dims,
                             GGML_MAX_DIMS);
    uint64_t n_elements = 1;
    for (uint32_t d = 0; d < n_dims; d++) {
        if (ne[d] == 0) return string_printf("%s: ne[%u] is 0", who.c_str(), d);
        if (ne[d] > uint64_t(INT64_MAX))
            return string_printf("%s: ne[%u] is %" PRIu64 " (negative as int64)", who.c_str(), d,
                                 ne[d]);
        if (__builtin_mul_overflow(n_elements, ne[d], &n_elements) ||
            n_elements > uint64_t(INT64_MAX))
            return who + ": the number of elements overflows int64";
    }
    if (!ggml_type_is_valid(type))
        return string_printf("%s: unknown tensor type id %u", who.c_str(), type);
    const ggml_type t = ggml_type(type);
    const uint64_t block = uint64_t(ggml_blck_size(t));
    if (ne[0] % block != 0)
        return string_printf("%s: the row length ne[0] = %" PRIu64
                             " is not a multiple of the %s block size %" PRIu64,
                             who.c_str(), ne[0], ggml_type_name(t), block);
    const uint64_t n_blocks = n_elements / block;
    if (__builtin_mul_overflow(n_blocks, uint64_t(ggml_type_size(t)), nbytes))
        return who + ": the data size overflows 64 bits";
    return "";
}

} // namespace gguf_format
} // namespace llama
