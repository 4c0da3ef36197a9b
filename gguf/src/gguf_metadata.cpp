// Typed access to GGUF metadata, with messages naming the file and the key.
#include "gguf_file.h"
#include "gguf_format.h"

namespace llama {

namespace {

std::string wrong_type(const gguf_file &f, std::string_view key, const gguf_value &v,
                       const char *expected) {
    std::string type = gguf_type_name(v.type);
    if (const auto *array = std::get_if<gguf_array>(&v.v))
        type += std::string(" of ") + gguf_type_name(array->elem_type);
    return f.path() + ": key '" + gguf_format::printable(key) + "' has type " + type +
           ", expected " + expected;
}

// The value's alternative T, or nullptr (and *error when the key exists).
template <typename T>
const T *get_as(const gguf_file &f, std::string_view key, std::string *error,
                const char *expected) {
    const gguf_value *v = f.find(key);
    if (!v) return nullptr;
    if (const T *x = std::get_if<T>(&v->v)) return x;
    *error = wrong_type(f, key, *v, expected);
    return nullptr;
}

// A get_ function that also fails when the key is absent.
template <typename Get>
auto require(const gguf_file &f, std::string_view key, std::string *error, Get get) {
    if (!f.find(key))
        *error = f.path() + ": required key '" + gguf_format::printable(key) + "' is missing";
    return get(f, key, error);
}

} // namespace

std::optional<uint64_t> gguf_get_uint(const gguf_file &f, std::string_view key,
                                      std::string *error) {
    const gguf_value *v = f.find(key);
    if (!v) return std::nullopt;
    if (const auto *u = std::get_if<uint64_t>(&v->v)) return *u;
    if (const auto *i = std::get_if<int64_t>(&v->v)) {
        if (*i >= 0) return uint64_t(*i);
        *error = f.path() + ": key '" + gguf_format::printable(key) + "' is " + std::to_string(*i) +
                 ", expected a value >= 0";
        return std::nullopt;
    }
    *error = wrong_type(f, key, *v, "an integer");
    return std::nullopt;
}

std::optional<double> gguf_get_float(const gguf_file &f, std::string_view key, std::string *error) {
    if (const double *d = get_as<double>(f, key, error, "FLOAT32 or FLOAT64")) return *d;
    return std::nullopt;
}

std::optional<bool> gguf_get_bool(const gguf_file &f, std::string_view key, std::string *error) {
    if (const bool *b = get_as<bool>(f, key, error, "BOOL")) return *b;
    return std::nullopt;
}

std::optional<std::string> gguf_get_string(const gguf_file &f, std::string_view key,
                                           std::string *error) {
    if (const std::string *s = get_as<std::string>(f, key, error, "STRING")) return *s;
    return std::nullopt;
}

const gguf_array *gguf_get_array(const gguf_file &f, std::string_view key, gguf_type elem_type,
                                 std::string *error) {
    const std::string expected = std::string("ARRAY of ") + gguf_type_name(elem_type);
    const gguf_array *array = get_as<gguf_array>(f, key, error, expected.c_str());
    if (array && array->elem_type != elem_type) {
        *error = wrong_type(f, key, *f.find(key), expected.c_str());
        return nullptr;
    }
    return array;
}

std::optional<uint64_t> gguf_require_uint(const gguf_file &f, std::string_view key,
                                          std::string *error) {
    return require(f, key, error, gguf_get_uint);
}

std::optional<std::string> gguf_require_string(const gguf_file &f, std::string_view key,
                                               std::string *error) {
    return require(f, key, error, gguf_get_string);
}

const gguf_array *gguf_require_array(const gguf_file &f, std::string_view key, gguf_type elem_type,
                                     std::string *error) {
    return require(f, key, error,
                   [elem_type](const gguf_file &file, std::string_view k, std::string *e) {
                       return gguf_get_array(file, k, elem_type, e);
                   });
}

} // namespace llama
