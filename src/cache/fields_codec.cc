#include "cache/fields_codec.h"

#include <charconv>
#include <optional>

namespace anidb::cache {

namespace {

void append_netstring(std::string& out, std::string_view s) {
    out += std::to_string(s.size());
    out += ':';
    out += s;
    out += ',';
}

// Reads one netstring from the front of `in`, advancing it; nullopt if malformed.
std::optional<std::string_view> take_netstring(std::string_view& in) {
    const size_t colon = in.find(':');
    // A length has 1..19 digits and no sign; std::from_chars rejects the rest.
    if (colon == std::string_view::npos || colon == 0 || colon > 19) return std::nullopt;
    size_t len = 0;
    const auto [ptr, ec] = std::from_chars(in.data(), in.data() + colon, len);
    if (ec != std::errc() || ptr != in.data() + colon) return std::nullopt;
    const std::string_view rest = in.substr(colon + 1);
    if (len >= rest.size() || rest[len] != ',') return std::nullopt;
    in = rest.substr(len + 1);
    return rest.substr(0, len);
}

}  // namespace

std::string encode_fields(const std::map<std::string, std::string>& fields) {
    std::string out;
    for (const auto& [key, value] : fields) {
        append_netstring(out, key);
        append_netstring(out, value);
    }
    return out;
}

Result<std::map<std::string, std::string>> decode_fields(std::string_view text) {
    std::map<std::string, std::string> out;
    while (!text.empty()) {
        const auto key = take_netstring(text);
        const auto value = key ? take_netstring(text) : std::nullopt;
        if (!key || !value || !out.emplace(*key, *value).second) {
            return make_error(Errc::cache, "cache database holds a malformed fields value");
        }
    }
    return out;
}

}  // namespace anidb::cache
