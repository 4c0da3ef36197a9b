// A strict JSON (RFC 8259) parser for the small documents a Hugging Face
// checkpoint comes with: config.json, quantize_config.json, the safetensors
// header and model.safetensors.index.json. No dependencies; malformed input
// is an error with its line and column, never a crash (nesting is bounded,
// so hostile input cannot exhaust the stack).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace convert::json {

enum class kind { NUL, BOOL, NUMBER, STRING, ARRAY, OBJECT };

// "null", "a boolean", "a number", ... for messages.
const char *kind_name(kind k);

struct member;

struct value {
    kind type = kind::NUL;
    bool boolean = false;
    double number = 0.0;
    // For a number written as an integer (no fraction or exponent) that fits
    // int64: its exact value. Offsets and shapes must be exact, and a double
    // is not above 2^53.
    std::optional<int64_t> integer;
    std::string string;
    std::vector<value> items;    // ARRAY
    std::vector<member> members; // OBJECT, in file order, keys unique

    // The member `key` of an object; nullptr when absent or not an object.
    const value *find(std::string_view key) const;
};

// A named struct rather than std::pair<std::string, value>: a pair of the
// still incomplete value does not compile with clang 14's libstdc++ checks.
struct member {
    std::string key;
    value val;
};

// Parses a whole document (one value, surrounded only by whitespace).
// Duplicate object keys, invalid UTF-8, lone surrogates, control characters
// in strings, leading zeros, NaN and trailing commas are errors. On failure
// returns false with *error = "line L, column C: what is wrong".
bool parse(std::string_view text, value *out, std::string *error);

// Reads and parses a file that must hold a JSON object; *error names the
// file.
bool read_object_file(const std::string &path, value *out, std::string *error);

// Typed members of an object, for config readers. An absent member (or a
// null one) leaves *out as it is and returns true; a member of another type
// returns false with *error = "<source>: \"key\" is a string, not an
// integer" and the like. Integers must be written as integers.
bool get_member(const value &object, const char *key, int64_t *out, const std::string &source,
                std::string *error);
bool get_member(const value &object, const char *key, double *out, const std::string &source,
                std::string *error);
bool get_member(const value &object, const char *key, bool *out, const std::string &source,
                std::string *error);
bool get_member(const value &object, const char *key, std::string *out, const std::string &source,
                std::string *error);

} // namespace convert::json
