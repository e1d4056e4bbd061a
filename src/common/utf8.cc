#include "common/utf8.h"

#include <cstdint>

namespace anidb {
namespace {

// Length of the well-formed sequence starting at s[i], or 0 if ill-formed.
size_t sequence_length(std::string_view s, size_t i) noexcept {
    const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    const uint8_t b0 = byte(i);
    const size_t left = s.size() - i;
    if (b0 < 0x80) return 1;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        return (left >= 2 && (byte(i + 1) & 0xC0) == 0x80) ? 2 : 0;
    }
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        if (left < 3) return 0;
        const uint8_t b1 = byte(i + 1);
        const uint8_t lo = (b0 == 0xE0) ? 0xA0 : 0x80;  // no overlongs
        const uint8_t hi = (b0 == 0xED) ? 0x9F : 0xBF;  // no surrogates
        if (b1 < lo || b1 > hi || (byte(i + 2) & 0xC0) != 0x80) return 0;
        return 3;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        if (left < 4) return 0;
        const uint8_t b1 = byte(i + 1);
        const uint8_t lo = (b0 == 0xF0) ? 0x90 : 0x80;
        const uint8_t hi = (b0 == 0xF4) ? 0x8F : 0xBF;  // nothing above U+10FFFF
        if (b1 < lo || b1 > hi || (byte(i + 2) & 0xC0) != 0x80 || (byte(i + 3) & 0xC0) != 0x80) {
            return 0;
        }
        return 4;
    }
    return 0;
}

}  // namespace

bool is_valid_utf8(std::string_view s) noexcept {
    for (size_t i = 0; i < s.size();) {
        const size_t n = sequence_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string to_valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const size_t n = sequence_length(s, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

}  // namespace anidb
