#include "unicode.h"

#include <algorithm>

namespace llama::unicode {

size_t utf8_length(std::string_view s) {
    const auto b = [&](size_t i) { return uint8_t(s[i]); };
    const auto continuation = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
    const uint8_t lead = b(0);
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 1;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (!continuation(1) || !continuation(2)) return 1;
        if (lead == 0xE0 && b(1) < 0xA0) return 1; // overlong
        if (lead == 0xED && b(1) > 0x9F) return 1; // a surrogate
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (!continuation(1) || !continuation(2) || !continuation(3)) return 1;
        if (lead == 0xF0 && b(1) < 0x90) return 1; // overlong
        if (lead == 0xF4 && b(1) > 0x8F) return 1; // above U+10FFFF
        return 4;
    }
    return 1;
}

uint32_t code_point(std::string_view s, size_t length) {
    const auto b = [&](size_t i) { return uint32_t(uint8_t(s[i])); };
    switch (length) {
    case 2: return (b(0) & 0x1F) << 6 | (b(1) & 0x3F);
    case 3: return (b(0) & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
    case 4: return (b(0) & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
    default: return b(0) < 0x80 ? b(0) : 0x110000; // past the last code point: OTHER
    }
}

char_class classify(uint32_t cp) {
    const class_range *end = CLASS_RANGES + N_CLASS_RANGES;
    const class_range *r = std::upper_bound(
        CLASS_RANGES, end, cp, [](uint32_t c, const class_range &x) { return c < x.first; });
    if (r == CLASS_RANGES) return char_class::OTHER;
    --r;
    return cp <= r->last ? r->cls : char_class::OTHER;
}

} // namespace llama::unicode
