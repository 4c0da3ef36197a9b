#include "gguf.h"
#include "gguf_format.h"

#include <cstring>

namespace llama {

gguf_elements gguf_elements::in_place(gguf_type type, const uint8_t *data, size_t count,
                                      std::vector<size_t> string_offsets) {
    gguf_elements e;
    e.in_place_ = true;
    e.type_ = type;
    e.data_ = data;
    e.count_ = count;
    e.string_offsets_ = std::move(string_offsets);
    return e;
}

namespace {

template <typename T> T load(const uint8_t *p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

} // namespace

gguf_scalar gguf_elements::operator[](size_t i) const {
    if (!in_place_) return held_[i];
    const uint8_t *p = data_ + i * gguf_format::fixed_size(type_);
    switch (type_) {
    case gguf_type::UINT8: return uint64_t(load<uint8_t>(p));
    case gguf_type::UINT16: return uint64_t(load<uint16_t>(p));
    case gguf_type::UINT32: return uint64_t(load<uint32_t>(p));
    case gguf_type::UINT64: return load<uint64_t>(p);
    case gguf_type::INT8: return int64_t(load<int8_t>(p));
    case gguf_type::INT16: return int64_t(load<int16_t>(p));
    case gguf_type::INT32: return int64_t(load<int32_t>(p));
    case gguf_type::INT64: return load<int64_t>(p);
    case gguf_type::FLOAT32: return double(load<float>(p));
    case gguf_type::FLOAT64: return load<double>(p);
    case gguf_type::BOOL: return load<uint8_t>(p) == 1;
    case gguf_type::STRING: {
        const uint8_t *s = data_ + string_offsets_[i];
        return std::string(reinterpret_cast<const char *>(s + 8), size_t(load<uint64_t>(s)));
    }
    case gguf_type::ARRAY: break; // the reader refuses nested arrays
    }
    return uint64_t(0);
}

bool gguf_elements::operator==(const gguf_elements &other) const {
    if (size() != other.size()) return false;
    for (size_t i = 0; i < size(); i++)
        if ((*this)[i] != other[i]) return false;
    return true;
}

} // namespace llama
