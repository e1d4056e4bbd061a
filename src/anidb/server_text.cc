#include "anidb/server_text.h"

#include <algorithm>

namespace anidb::udp {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void append_hex_escape(std::string& out, unsigned char c) {
    out += "\\x";
    out += kHexDigits[c >> 4];
    out += kHexDigits[c & 0xF];
}

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629), 0 if none.
size_t sequence_length(std::string_view s, size_t i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        len = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        len = 3;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        len = 4;
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    }
    const auto second = static_cast<unsigned char>(s[i + 1]);
    if (lead == 0xE0 && second < 0xA0) return 0;  // overlong
    if (lead == 0xED && second > 0x9F) return 0;  // surrogate
    if (lead == 0xF0 && second < 0x90) return 0;  // overlong
    if (lead == 0xF4 && second > 0x8F) return 0;  // above U+10FFFF
    return len;
}

}  // namespace

std::string safe_text(std::string_view text, size_t max_bytes) {
    std::string out;
    out.reserve(std::min(text.size(), max_bytes));
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::string piece;
        size_t used = 1;
        if (c == '\n') {
            piece = "\\n";
        } else if (c == '\t') {
            piece = "\\t";
        } else if (c >= 0x20 && c < 0x7F) {
            piece = static_cast<char>(c);
        } else if (const size_t len = c < 0x80 ? 0 : sequence_length(text, i); len == 0) {
            append_hex_escape(piece, c);  // C0 controls, DEL, bytes that are not UTF-8
        } else if (len == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
            // U+0080..U+009F: C1 controls (U+009B is a CSI to some terminals).
            append_hex_escape(piece, c);
            append_hex_escape(piece, static_cast<unsigned char>(text[i + 1]));
            used = 2;
        } else {
            piece = std::string(text.substr(i, len));
            used = len;
        }
        if (out.size() + piece.size() > max_bytes) {
            out += "...";
            return out;
        }
        out += piece;
        i += used;
    }
    return out;
}

std::string safe_multiline_text(std::string_view text, size_t max_bytes) {
    std::string out;
    while (true) {
        const size_t nl = text.find('\n');
        const size_t room = max_bytes > out.size() ? max_bytes - out.size() : 0;
        out += safe_text(text.substr(0, nl), room);
        if (nl == std::string_view::npos || out.size() >= max_bytes) return out;
        out += '\n';
        text = text.substr(nl + 1);
    }
}

bool is_hex(std::string_view text, size_t digits) {
    if (text.empty() || (digits != 0 && text.size() != digits)) return false;
    for (char c : text) {
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex) return false;
    }
    return true;
}

}  // namespace anidb::udp
