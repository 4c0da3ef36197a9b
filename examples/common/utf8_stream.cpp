#include "utf8_stream.h"

namespace {

// The length of the character a lead byte starts; 0 for a byte that starts
// none (a continuation byte, or one never used in UTF-8).
size_t lead_length(unsigned char b) {
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF) return 2;
    if (b >= 0xE0 && b <= 0xEF) return 3;
    if (b >= 0xF0 && b <= 0xF4) return 4;
    return 0;
}

} // namespace

size_t utf8_stream::unfinished_tail(std::string_view s) {
    // The last lead byte among the last three, with only continuation bytes after it.
    for (size_t back = 1; back <= 3 && back <= s.size(); back++) {
        const auto b = static_cast<unsigned char>(s[s.size() - back]);
        if ((b & 0xC0) == 0x80) continue;
        return lead_length(b) > back ? back : 0;
    }
    return 0;
}

void utf8_stream::write(std::string_view bytes) {
    held_.append(bytes);
    const size_t keep = unfinished_tail(held_);
    std::fwrite(held_.data(), 1, held_.size() - keep, out_);
    held_.erase(0, held_.size() - keep);
    std::fflush(out_);
}

void utf8_stream::flush() {
    std::fwrite(held_.data(), 1, held_.size(), out_);
    held_.clear();
    std::fflush(out_);
}
