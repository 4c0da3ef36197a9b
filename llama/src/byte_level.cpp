#include "byte_level.h"

#include "unicode.h"

#include <array>

namespace llama::byte_level {

namespace {

constexpr bool printable(int byte) {
    return (byte >= 0x21 && byte <= 0x7E) || (byte >= 0xA1 && byte <= 0xAC) ||
           (byte >= 0xAE && byte <= 0xFF);
}

// The code point spelling each byte: printable bytes themselves, the others
// U+0100 + their rank among the unprintable ones.
constexpr std::array<uint32_t, 256> make_code_points() {
    std::array<uint32_t, 256> cps{};
    uint32_t next = 0x100;
    for (int b = 0; b < 256; b++) cps[size_t(b)] = printable(b) ? uint32_t(b) : next++;
    return cps;
}

constexpr std::array<uint32_t, 256> CODE_POINTS = make_code_points();

std::string utf8(uint32_t cp) {
    if (cp < 0x80) return std::string(1, char(cp));
    return {char(0xC0 | (cp >> 6)), char(0x80 | (cp & 0x3F))}; // every spelling is below U+0800
}

std::array<std::string, 256> make_spellings() {
    std::array<std::string, 256> s;
    for (size_t b = 0; b < 256; b++) s[b] = utf8(CODE_POINTS[b]);
    return s;
}

} // namespace

const std::string &spelling(uint8_t byte) {
    static const std::array<std::string, 256> spellings = make_spellings();
    return spellings[byte];
}

bool bytes_of(std::string_view spelled, std::string *bytes) {
    static const std::array<int, 0x144> byte_of_cp = [] {
        std::array<int, 0x144> a;
        a.fill(-1);
        for (int b = 0; b < 256; b++) a[CODE_POINTS[size_t(b)]] = b;
        return a;
    }();
    bytes->clear();
    for (size_t pos = 0; pos < spelled.size();) {
        const size_t length = unicode::utf8_length(spelled.substr(pos));
        const uint32_t cp = unicode::code_point(spelled.substr(pos), length);
        if (cp >= byte_of_cp.size() || byte_of_cp[cp] < 0) return false;
        *bytes += char(byte_of_cp[cp]);
        pos += length;
    }
    return true;
}

} // namespace llama::byte_level
