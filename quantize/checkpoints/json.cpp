#include "checkpoints/json.h"

#include "mapped_file.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <unordered_set>

namespace convert::json {

namespace {

constexpr int MAX_DEPTH = 128; // deeper than any real config; bounds the recursion

class parser {
  public:
    explicit parser(std::string_view text) : s_(text) {}

    bool document(value *out) {
        skip_space();
        if (!parse_value(out, 0)) return false;
        skip_space();
        if (pos_ != s_.size()) return fail("unexpected text after the JSON value");
        return true;
    }

    std::string error() const { return error_; }

  private:
    bool fail(const std::string &what) {
        if (!error_.empty()) return false;
        int line = 1, column = 1;
        for (size_t i = 0; i < pos_ && i < s_.size(); i++) {
            if (s_[i] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        error_ =
            "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + what;
        return false;
    }

    bool at_end() const { return pos_ >= s_.size(); }
    char peek() const { return at_end() ? '\0' : s_[pos_]; }

    void skip_space() {
        while (!at_end() &&
               (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
            pos_++;
    }

    bool literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word) return fail("invalid literal");
        pos_ += word.size();
        return true;
    }

    bool parse_value(value *out, int depth) {
        if (depth > MAX_DEPTH) return fail("nested more than 128 levels deep");
        if (at_end()) return fail("unexpected end of the text, expected a value");
        switch (peek()) {
        case '{': return parse_object(out, depth);
        case '[': return parse_array(out, depth);
        case '"': out->type = kind::STRING; return parse_string(&out->string);
        case 't':
            out->type = kind::BOOL;
            out->boolean = true;
            return literal("true");
        case 'f':
            out->type = kind::BOOL;
            out->boolean = false;
            return literal("false");
        case 'n': out->type = kind::NUL; return literal("null");
        default:
            if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number(out);
            return fail(std::string("unexpected character '") + peek() + "', expected a value");
        }
    }

    bool parse_object(value *out, int depth) {
        out->type = kind::OBJECT;
        pos_++; // '{'
        skip_space();
        if (peek() == '}') {
            pos_++;
            return true;
        }
        // a set beside the members: find() is a linear scan, and a hostile
        // header of a million keys must fail fast, not take hours
        std::unordered_set<std::string> keys;
        for (;;) {
            skip_space();
            if (peek() != '"') return fail("expected a string key");
            std::string key;
            if (!parse_string(&key)) return false;
            if (!keys.insert(key).second) return fail("duplicate key \"" + key + "\"");
            skip_space();
            if (peek() != ':') return fail("expected ':' after the key");
            pos_++;
            skip_space();
            value v;
            if (!parse_value(&v, depth + 1)) return false;
            out->members.push_back({std::move(key), std::move(v)});
            skip_space();
            if (peek() == ',') {
                pos_++;
                continue;
            }
            if (peek() == '}') {
                pos_++;
                return true;
            }
            return fail("expected ',' or '}' in an object");
        }
    }

    bool parse_array(value *out, int depth) {
        out->type = kind::ARRAY;
        pos_++; // '['
        skip_space();
        if (peek() == ']') {
            pos_++;
            return true;
        }
        for (;;) {
            skip_space();
            value v;
            if (!parse_value(&v, depth + 1)) return false;
            out->items.push_back(std::move(v));
            skip_space();
            if (peek() == ',') {
                pos_++;
                continue;
            }
            if (peek() == ']') {
                pos_++;
                return true;
            }
            return fail("expected ',' or ']' in an array");
        }
    }

    bool parse_number(value *out) {
        const size_t start = pos_;
        bool is_integer = true;
        if (peek() == '-') pos_++;
        if (peek() == '0') {
            pos_++;
            if (peek() >= '0' && peek() <= '9') return fail("a number cannot have leading zeros");
        } else if (peek() >= '1' && peek() <= '9') {
            while (peek() >= '0' && peek() <= '9') pos_++;
        } else {
            return fail("expected a digit");
        }
        if (peek() == '.') {
            is_integer = false;
            pos_++;
            if (!(peek() >= '0' && peek() <= '9')) return fail("expected a digit after '.'");
            while (peek() >= '0' && peek() <= '9') pos_++;
        }
        if (peek() == 'e' || peek() == 'E') {
            is_integer = false;
            pos_++;
            if (peek() == '+' || peek() == '-') pos_++;
            if (!(peek() >= '0' && peek() <= '9')) return fail("expected a digit in the exponent");
            while (peek() >= '0' && peek() <= '9') pos_++;
        }
        const std::string text(s_.substr(start, pos_ - start));
        out->type = kind::NUMBER;
        out->number = std::strtod(text.c_str(), nullptr);
        if (!std::isfinite(out->number)) return fail("number " + text + " is out of range");
        if (is_integer) {
            errno = 0;
            const long long v = std::strtoll(text.c_str(), nullptr, 10);
            if (errno == 0) out->integer = v;
        }
        return true;
    }

    bool hex4(uint32_t *out) {
        if (s_.size() - pos_ < 4) return fail("\\u needs four hex digits");
        uint32_t v = 0;
        for (int i = 0; i < 4; i++) {
            const char c = s_[pos_ + size_t(i)];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= uint32_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= uint32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= uint32_t(c - 'A' + 10);
            else
                return fail("\\u needs four hex digits");
        }
        pos_ += 4;
        *out = v;
        return true;
    }

    static void append_utf8(uint32_t cp, std::string *out) {
        if (cp < 0x80) {
            *out += char(cp);
        } else if (cp < 0x800) {
            *out += char(0xC0 | (cp >> 6));
            *out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            *out += char(0xE0 | (cp >> 12));
            *out += char(0x80 | ((cp >> 6) & 0x3F));
            *out += char(0x80 | (cp & 0x3F));
        } else {
            *out += char(0xF0 | (cp >> 18));
            *out += char(0x80 | ((cp >> 12) & 0x3F));
            *out += char(0x80 | ((cp >> 6) & 0x3F));
            *out += char(0x80 | (cp & 0x3F));
        }
    }

    // Length of the valid UTF-8 sequence at pos_, or 0.
    size_t utf8_length() const {
        const auto byte = [&](size_t i) { return uint8_t(s_[pos_ + i]); };
        const uint8_t c = byte(0);
        size_t n;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF)
            n = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4, cp = c & 0x07;
        else
            return 0;
        if (s_.size() - pos_ < n) return 0;
        for (size_t i = 1; i < n; i++) {
            if ((byte(i) & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (byte(i) & 0x3F);
        }
        const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
        if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
        return n;
    }

    bool parse_string(std::string *out) {
        pos_++; // '"'
        for (;;) {
            if (at_end()) return fail("unterminated string");
            const auto c = uint8_t(s_[pos_]);
            if (c == '"') {
                pos_++;
                return true;
            }
            if (c < 0x20) return fail("control character in a string (escape it)");
            if (c >= 0x80) {
                const size_t n = utf8_length();
                if (n == 0) return fail("invalid UTF-8 in a string");
                out->append(s_.substr(pos_, n));
                pos_ += n;
                continue;
            }
            if (c != '\\') {
                *out += char(c);
                pos_++;
                continue;
            }
            pos_++;
            if (at_end()) return fail("unterminated string");
            const char e = s_[pos_++];
            switch (e) {
            case '"': *out += '"'; break;
            case '\\': *out += '\\'; break;
            case '/': *out += '/'; break;
            case 'b': *out += '\b'; break;
            case 'f': *out += '\f'; break;
            case 'n': *out += '\n'; break;
            case 'r': *out += '\r'; break;
            case 't': *out += '\t'; break;
            case 'u': {
                uint32_t cp = 0;
                if (!hex4(&cp)) return false;
                if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("lone low surrogate \\u escape");
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    uint32_t low = 0;
                    if (s_.substr(pos_, 2) != "\\u")
                        return fail("high surrogate without a low one");
                    pos_ += 2;
                    if (!hex4(&low)) return false;
                    if (low < 0xDC00 || low > 0xDFFF)
                        return fail("high surrogate without a low one");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                append_utf8(cp, out);
                break;
            }
            default: pos_--; return fail(std::string("invalid escape '\\") + e + "'");
            }
        }
    }

    std::string_view s_;
    size_t pos_ = 0;
    std::string error_;
};

} // namespace

const char *kind_name(kind k) {
    switch (k) {
    case kind::NUL: return "null";
    case kind::BOOL: return "a boolean";
    case kind::NUMBER: return "a number";
    case kind::STRING: return "a string";
    case kind::ARRAY: return "an array";
    case kind::OBJECT: return "an object";
    }
    return "?";
}

const value *value::find(std::string_view key) const {
    for (const auto &[k, v] : members)
        if (k == key) return &v;
    return nullptr;
}

namespace {

// The member `key` if present and not null, else nullptr; *ok false (and
// *error set) when it is present with a kind other than `want` (and not an
// integer when want_integer).
const value *typed_member(const value &object, const char *key, kind want, bool want_integer,
                          const char *want_name, const std::string &source, std::string *error,
                          bool *ok) {
    *ok = true;
    const value *v = object.find(key);
    if (!v || v->type == kind::NUL) return nullptr;
    if (v->type != want || (want_integer && !v->integer)) {
        const bool non_integer = v->type == kind::NUMBER && !v->integer;
        *error = source + ": \"" + key + "\" is " +
                 (non_integer ? "a non-integer number" : kind_name(v->type)) + ", not " + want_name;
        *ok = false;
        return nullptr;
    }
    return v;
}

} // namespace

bool read_object_file(const std::string &path, value *out, std::string *error) {
    std::unique_ptr<llama::mapped_file> map = llama::mapped_file::open(path, error);
    if (!map) return false;
    std::string json_error;
    if (!parse({reinterpret_cast<const char *>(map->data()), map->size()}, out, &json_error)) {
        *error = path + ": " + json_error;
        return false;
    }
    if (out->type != kind::OBJECT) {
        *error = path + ": not a JSON object";
        return false;
    }
    return true;
}

bool get_member(const value &object, const char *key, int64_t *out, const std::string &source,
                std::string *error) {
    bool ok;
    if (const value *v =
            typed_member(object, key, kind::NUMBER, true, "an integer", source, error, &ok))
        *out = *v->integer;
    return ok;
}

bool get_member(const value &object, const char *key, double *out, const std::string &source,
                std::string *error) {
    bool ok;
    if (const value *v =
            typed_member(object, key, kind::NUMBER, false, "a number", source, error, &ok))
        *out = v->number;
    return ok;
}

bool get_member(const value &object, const char *key, bool *out, const std::string &source,
                std::string *error) {
    bool ok;
    if (const value *v =
            typed_member(object, key, kind::BOOL, false, "true or false", source, error, &ok))
        *out = v->boolean;
    return ok;
}

bool get_member(const value &object, const char *key, std::string *out, const std::string &source,
                std::string *error) {
    bool ok;
    if (const value *v =
            typed_member(object, key, kind::STRING, false, "a string", source, error, &ok))
        *out = v->string;
    return ok;
}

bool parse(std::string_view text, value *out, std::string *error) {
    parser p(text);
    value v;
    if (!p.document(&v)) {
        *error = p.error();
        return false;
    }
    *out = std::move(v);
    return true;
}

} // namespace convert::json
