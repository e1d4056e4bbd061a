#include "hash_list.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "text_escape.h"

namespace anidb::cli {

namespace {

bool is_hex(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) != 0;
    });
}

bool is_base32(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return (u >= 'A' && u <= 'Z') || (u >= '2' && u <= '7');
    });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

// Normalises a digest for `a`; nullopt when it has the wrong shape.
std::optional<std::string> normalise_digest(hash::Algorithm a, std::string_view digest) {
    if (digest.size() != hash::digest_text_length(a)) return std::nullopt;
    if (a == hash::Algorithm::tth) {
        if (!is_base32(digest)) return std::nullopt;
        return upper(digest);
    }
    if (!is_hex(digest)) return std::nullopt;
    return lower(digest);
}

std::optional<hash::Algorithm> algorithm_for_tag(std::string_view tag) {
    const std::string t = lower(tag);
    if (t == "md5") return hash::Algorithm::md5;
    if (t == "sha1") return hash::Algorithm::sha1;
    if (t == "crc32") return hash::Algorithm::crc32;
    if (t == "ed2k") return hash::Algorithm::ed2k;
    if (t == "tth") return hash::Algorithm::tth;
    return std::nullopt;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && lower(s.substr(s.size() - suffix.size())) == suffix;
}

Result<std::optional<HashListEntry>> parse_ed2k_link(std::string_view line) {
    // ed2k://|file|NAME|SIZE|HASH|[optional fields|]/
    std::vector<std::string_view> fields;
    size_t start = 0;
    while (true) {
        const size_t bar = line.find('|', start);
        if (bar == std::string_view::npos) {
            fields.push_back(line.substr(start));
            break;
        }
        fields.push_back(line.substr(start, bar - start));
        start = bar + 1;
    }
    if (fields.size() < 6 || lower(fields[1]) != "file") {
        return make_error(Errc::invalid_parameter, "malformed ed2k link");
    }
    const auto name = percent_decode(fields[2]);
    if (!name || name->empty()) return make_error(Errc::invalid_parameter, "bad name in ed2k link");
    uint64_t size = 0;
    const auto [ptr, ec] =
        std::from_chars(fields[3].data(), fields[3].data() + fields[3].size(), size);
    if (ec != std::errc{} || ptr != fields[3].data() + fields[3].size()) {
        return make_error(Errc::invalid_parameter, "bad size in ed2k link");
    }
    const auto digest = normalise_digest(hash::Algorithm::ed2k, fields[4]);
    if (!digest) return make_error(Errc::invalid_parameter, "bad hash in ed2k link");
    return std::optional<HashListEntry>(
        HashListEntry{*name, hash::Algorithm::ed2k, *digest, size, 0});
}

}  // namespace

Result<std::optional<HashListEntry>> parse_hash_list_line(std::string_view line,
                                                          std::string_view list_name) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == ';' || line[first] == '#') {
        return std::optional<HashListEntry>();
    }
    if (lower(line.substr(first, 12)) == "ed2k://|file") return parse_ed2k_link(line.substr(first));

    // coreutils: a leading backslash means the name is escaped.
    const bool escaped = line.front() == '\\';
    if (escaped) line.remove_prefix(1);
    const auto unescape = [&](std::string_view name) -> std::optional<std::string> {
        if (!escaped) return std::string(name);
        return coreutils_unescape(name);
    };

    // BSD: "TAG (name) = digest" (rhash pads the tag with spaces).
    const size_t open = line.find(" (");
    const size_t close = line.rfind(") = ");
    if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
        std::string_view tag = line.substr(0, open);
        while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
        if (const auto a = algorithm_for_tag(tag)) {
            const auto digest = normalise_digest(*a, line.substr(close + 4));
            const auto name = unescape(line.substr(open + 2, close - open - 2));
            if (!digest || !name) return make_error(Errc::invalid_parameter, "malformed BSD line");
            return std::optional<HashListEntry>(HashListEntry{*name, *a, *digest, {}, 0});
        }
    }

    // md5sum / sha1sum: "digest  name" or "digest *name".
    const size_t space = line.find(' ');
    if (space != std::string_view::npos && space + 1 < line.size() &&
        (line[space + 1] == ' ' || line[space + 1] == '*')) {
        const std::string_view digest = line.substr(0, space);
        std::optional<hash::Algorithm> a;
        if (digest.size() == 40) a = hash::Algorithm::sha1;
        if (digest.size() == 32) {
            a = ends_with_ci(list_name, ".ed2k") ? hash::Algorithm::ed2k : hash::Algorithm::md5;
        }
        if (digest.size() == 39) a = hash::Algorithm::tth;
        if (digest.size() == 8) a = hash::Algorithm::crc32;
        if (a) {
            const auto value = normalise_digest(*a, digest);
            const auto name = unescape(line.substr(space + 2));
            if (value && name && !name->empty()) {
                return std::optional<HashListEntry>(HashListEntry{*name, *a, *value, {}, 0});
            }
        }
    }

    // SFV: "name CRC32", the name may hold spaces.
    if (!escaped) {
        const size_t last = line.find_last_of(" \t");
        if (last != std::string_view::npos && last > 0) {
            const auto crc = normalise_digest(hash::Algorithm::crc32, line.substr(last + 1));
            std::string_view name = line.substr(0, last);
            while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
                name.remove_suffix(1);
            if (crc && !name.empty()) {
                return std::optional<HashListEntry>(
                    HashListEntry{std::string(name), hash::Algorithm::crc32, *crc, {}, 0});
            }
        }
    }
    return make_error(Errc::invalid_parameter, "not a hash list line");
}

HashList parse_hash_list(std::string_view content, std::string_view list_name) {
    HashList out;
    size_t line_no = 0;
    size_t start = 0;
    while (start < content.size()) {
        size_t end = content.find('\n', start);
        if (end == std::string_view::npos) end = content.size();
        ++line_no;
        auto parsed = parse_hash_list_line(content.substr(start, end - start), list_name);
        if (!parsed) {
            out.problems.push_back({line_no, parsed.error().message});
        } else if (parsed->has_value()) {
            HashListEntry entry = std::move(**parsed);
            entry.line = line_no;
            out.entries.push_back(std::move(entry));
        }
        start = end + 1;
    }
    return out;
}

}  // namespace anidb::cli
