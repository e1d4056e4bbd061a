#include "terminal.h"

#include <locale.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include <cstdint>
#include <vector>

namespace anidb::cli {

namespace {

// One decoded code point: where it starts, how many bytes, its columns.
struct Glyph {
    size_t offset;
    size_t length;
    size_t columns;
};

// The calling thread switches to a UTF-8 LC_CTYPE while it asks wcwidth,
// so the process locale (and every other thread) stays untouched.
class Utf8CtypeScope {
  public:
    Utf8CtypeScope() {
        static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
        if (utf8 != locale_t{}) previous_ = uselocale(utf8);
    }
    ~Utf8CtypeScope() {
        if (previous_ != locale_t{}) uselocale(previous_);
    }
    Utf8CtypeScope(const Utf8CtypeScope&) = delete;
    Utf8CtypeScope& operator=(const Utf8CtypeScope&) = delete;

  private:
    locale_t previous_{};
};

std::vector<Glyph> glyphs(std::string_view text) {
    std::vector<Glyph> out;
    Utf8CtypeScope scope;
    size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        size_t length = 1;
        uint32_t cp = lead;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
            cp = lead & 0x1Fu;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            cp = lead & 0x0Fu;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            cp = lead & 0x07u;
        }
        bool valid = lead < 0x80 || length > 1;
        for (size_t k = 1; valid && k < length; ++k) {
            if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
                valid = false;
            } else {
                cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
            }
        }
        if (!valid) {
            out.push_back({i, 1, 1});
            ++i;
            continue;
        }
        const int w = ::wcwidth(static_cast<wchar_t>(cp));
        out.push_back({i, length, w < 0 ? 1 : static_cast<size_t>(w)});
        i += length;
    }
    return out;
}

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // …

}  // namespace

bool is_terminal(int fd) {
    return ::isatty(fd) == 1;
}

bool colour_wanted(int fd, const EnvGetter& env) {
    if (!is_terminal(fd)) return false;
    const char* no_colour = env("NO_COLOR");
    if (no_colour != nullptr && *no_colour != '\0') return false;
    const char* term = env("TERM");
    return term == nullptr || std::string_view(term) != "dumb";
}

size_t terminal_columns(int fd, size_t fallback) {
    winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return fallback;
}

size_t display_columns(std::string_view text) {
    size_t n = 0;
    for (const Glyph& g : glyphs(text)) n += g.columns;
    return n;
}

std::string fit_columns(std::string_view text, size_t width) {
    const std::vector<Glyph> all = glyphs(text);
    size_t total = 0;
    for (const Glyph& g : all) total += g.columns;
    if (total <= width) return std::string(text);
    if (width == 0) return {};
    size_t used = 0, end = 0;
    for (const Glyph& g : all) {
        if (used + g.columns > width - 1) break;
        used += g.columns;
        end = g.offset + g.length;
    }
    return std::string(text.substr(0, end)) + std::string(kEllipsis);
}

std::string fit_columns_from_end(std::string_view text, size_t width) {
    const std::vector<Glyph> all = glyphs(text);
    size_t total = 0;
    for (const Glyph& g : all) total += g.columns;
    if (total <= width) return std::string(text);
    if (width == 0) return {};
    size_t used = 0, start = text.size();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        if (used + it->columns > width - 1) break;
        used += it->columns;
        start = it->offset;
    }
    return std::string(kEllipsis) + std::string(text.substr(start));
}

std::string Style::paint(Tone tone, std::string_view text) const {
    if (!colour_ || text.empty()) return std::string(text);
    const char* code = "";
    switch (tone) {
        case Tone::ok:
            code = "32";
            break;
        case Tone::bad:
            code = "31";
            break;
        case Tone::warn:
            code = "33";
            break;
        case Tone::accent:
            code = "36";
            break;
        case Tone::dim:
            code = "2";
            break;
        case Tone::bold:
            code = "1";
            break;
    }
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

}  // namespace anidb::cli
