#include "embedded_crc.h"

#include <cctype>

namespace anidb::cli {

std::optional<std::string> embedded_crc32(std::string_view path) {
    const size_t slash = path.find_last_of('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    // Scan from the end: the CRC is the last bracketed group, after the
    // group name and any other tags.
    for (size_t close = name.size(); close-- > 9;) {
        const char c = name[close];
        if (c != ']' && c != ')') continue;
        const char open = c == ']' ? '[' : '(';
        if (name[close - 9] != open) continue;
        std::string crc;
        for (size_t i = close - 8; i < close; ++i) {
            const auto ch = static_cast<unsigned char>(name[i]);
            if (std::isxdigit(ch) == 0) break;
            crc += static_cast<char>(std::tolower(ch));
        }
        if (crc.size() == 8) return crc;
    }
    return std::nullopt;
}

}  // namespace anidb::cli
