#include "hash_list.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

#include "output_format.h"
#include "text_escape.h"

namespace anidb::cli {

namespace {

constexpr hash::Algorithm kAlgorithms[] = {hash::Algorithm::ed2k, hash::Algorithm::crc32,
                                           hash::Algorithm::md5, hash::Algorithm::sha1,
                                           hash::Algorithm::tth};

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

std::optional<hash::Algorithm> algorithm_named(std::string_view tag) {
    const std::string t = lower(tag);
    for (auto a : kAlgorithms) {
        if (t == hash::algorithm_name(a)) return a;
    }
    return std::nullopt;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && lower(s.substr(s.size() - suffix.size())) == suffix;
}

// A digest column of an md5sum-style line: its algorithm by length (and,
// for 32 digits, by the list's name).
std::optional<HashListEntry> digest_column(std::string_view token, std::string_view list_name) {
    HashListEntry e;
    e.syntax = ListSyntax::text;
    switch (token.size()) {
        case 8:
            e.algorithm = hash::Algorithm::crc32;
            break;
        case 32:
            if (ends_with_ci(list_name, ".md5")) {
                e.algorithm = hash::Algorithm::md5;
            } else {
                e.algorithm = hash::Algorithm::ed2k;
                if (!ends_with_ci(list_name, ".ed2k")) e.alternative = hash::Algorithm::md5;
            }
            break;
        case 39:
            e.algorithm = hash::Algorithm::tth;
            break;
        case 40:
            e.algorithm = hash::Algorithm::sha1;
            break;
        default:
            return std::nullopt;
    }
    const auto value = normalise_digest(e.algorithm, token);
    if (!value) return std::nullopt;
    e.expected = *value;
    return e;
}

Result<std::vector<HashListEntry>> parse_ed2k_link(std::string_view line) {
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
    HashListEntry e;
    e.name = *name;
    e.algorithm = hash::Algorithm::ed2k;
    e.expected = *digest;
    e.size = size;
    e.syntax = ListSyntax::ed2k_link;
    return std::vector<HashListEntry>{e};
}

// "H1 H2 ...  NAME" or "H1 *NAME": the digests (one or more, single
// spaces between) and the name; nullopt when the line is not so.
std::optional<std::vector<HashListEntry>> parse_digest_columns(std::string_view line,
                                                               std::string_view list_name) {
    std::vector<HashListEntry> out;
    size_t pos = 0;
    while (true) {
        const size_t space = line.find(' ', pos);
        if (space == std::string_view::npos || space + 1 >= line.size()) return std::nullopt;
        auto column = digest_column(line.substr(pos, space - pos), list_name);
        if (!column) return std::nullopt;
        out.push_back(std::move(*column));
        if (line[space + 1] == ' ' || line[space + 1] == '*') {
            const std::string_view name = line.substr(space + 2);
            if (name.empty()) return std::nullopt;
            for (auto& e : out) e.name = std::string(name);
            return out;
        }
        pos = space + 1;
    }
}

// One object of `anidb hash -f json/jsonl`: name (path_base64 when the
// name is not UTF-8), size and one key per algorithm.
Result<std::vector<HashListEntry>> entries_of_object(const nlohmann::json& o, ListSyntax syntax) {
    if (!o.is_object()) return make_error(Errc::invalid_parameter, "not a JSON object");
    std::string name;
    if (auto b64 = o.find("path_base64"); b64 != o.end() && b64->is_string()) {
        auto decoded = base64_decode(b64->get<std::string>());
        if (!decoded) return make_error(Errc::invalid_parameter, "bad path_base64");
        name = std::move(*decoded);
    } else if (auto p = o.find("path"); p != o.end() && p->is_string()) {
        name = p->get<std::string>();
    }
    if (name.empty()) return make_error(Errc::invalid_parameter, "object without a path");
    if (auto err = o.find("error"); err != o.end()) {
        return make_error(Errc::invalid_parameter,
                          "no hash for " + printable(name) + ": " +
                              (err->is_string() ? err->get<std::string>() : std::string("error")));
    }
    std::optional<uint64_t> size;
    if (auto s = o.find("size"); s != o.end() && s->is_number_unsigned()) size = s->get<uint64_t>();
    std::vector<HashListEntry> out;
    for (auto a : kAlgorithms) {
        auto it = o.find(hash::algorithm_name(a));
        if (it == o.end() || !it->is_string()) continue;
        auto value = normalise_digest(a, it->get<std::string>());
        if (!value) {
            return make_error(Errc::invalid_parameter,
                              std::string("bad ") + hash::algorithm_name(a) + " value");
        }
        HashListEntry e;
        e.name = name;
        e.algorithm = a;
        e.expected = *value;
        e.size = size;
        e.syntax = syntax;
        out.push_back(std::move(e));
    }
    if (auto it = o.find(kEd2kBlueName); it != o.end() && it->is_string()) {
        auto value = normalise_digest(hash::Algorithm::ed2k, it->get<std::string>());
        if (!value) return make_error(Errc::invalid_parameter, "bad ed2k-blue value");
        HashListEntry e;
        e.name = name;
        e.algorithm = hash::Algorithm::ed2k;
        e.ed2k_blue = true;
        e.expected = *value;
        e.size = size;
        e.syntax = syntax;
        out.push_back(std::move(e));
    }
    if (out.empty()) return make_error(Errc::invalid_parameter, "object without a hash");
    return out;
}

void add(HashList& list, Result<std::vector<HashListEntry>> parsed, size_t line) {
    if (!parsed) {
        list.problems.push_back({line, parsed.error().message});
        return;
    }
    for (auto& e : *parsed) {
        e.line = line;
        list.entries.push_back(std::move(e));
    }
}

size_t line_of(std::string_view content, size_t offset) {
    return static_cast<size_t>(std::count(
               content.begin(),
               content.begin() + static_cast<long>(std::min(offset, content.size())), '\n')) +
           1;
}

void parse_json_array(std::string_view content, HashList& out) {
    const nlohmann::json doc = nlohmann::json::parse(content, nullptr, false);
    if (doc.is_discarded() || !doc.is_array()) {
        out.problems.push_back({1, "not a JSON array of objects"});
        return;
    }
    size_t index = 0;
    for (const auto& o : doc) add(out, entries_of_object(o, ListSyntax::json), ++index + 1);
}

// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
std::vector<std::pair<size_t, std::vector<std::string>>> csv_records(std::string_view content) {
    std::vector<std::pair<size_t, std::vector<std::string>>> records;
    std::vector<std::string> fields(1);
    size_t line = 1, record_line = 1;
    bool quoted = false;
    for (size_t i = 0; i < content.size(); ++i) {
        const char c = content[i];
        if (quoted) {
            if (c == '"' && i + 1 < content.size() && content[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                if (c == '\n') ++line;
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < content.size() && content[i + 1] == '\n') ++i;
            records.emplace_back(record_line, std::move(fields));
            fields.assign(1, {});
            record_line = ++line;
        } else {
            fields.back() += c;
        }
    }
    if (fields.size() > 1 || !fields[0].empty())
        records.emplace_back(record_line, std::move(fields));
    return records;
}

void parse_csv(std::string_view content, HashList& out) {
    const auto records = csv_records(content);
    const std::vector<std::string>& header = records.front().second;
    for (size_t r = 1; r < records.size(); ++r) {
        const auto& [line, fields] = records[r];
        if (fields.size() == 1 && fields[0].empty()) continue;
        if (fields.size() != header.size()) {
            out.problems.push_back({line, "the row has another number of fields than the header"});
            continue;
        }
        nlohmann::json o = nlohmann::json::object();
        for (size_t i = 0; i < header.size(); ++i) {
            if (header[i] == "size") {
                uint64_t size = 0;
                const auto [ptr, ec] =
                    std::from_chars(fields[i].data(), fields[i].data() + fields[i].size(), size);
                if (ec == std::errc{} && ptr == fields[i].data() + fields[i].size())
                    o["size"] = size;
            } else if (header[i] == "error") {
                if (!fields[i].empty()) o["error"] = fields[i];
            } else if (!fields[i].empty() || header[i] == "path") {
                o[header[i]] = fields[i];
            }
        }
        // The path may be any bytes: keep them exactly.
        o.erase("path");
        o["path_base64"] = base64_encode(fields[0]);
        add(out, entries_of_object(o, ListSyntax::csv), line);
    }
}

}  // namespace

Result<std::vector<HashListEntry>> parse_hash_list_line(std::string_view line,
                                                        std::string_view list_name) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == ';' || line[first] == '#') {
        return std::vector<HashListEntry>{};
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
        const bool blue = lower(tag) == lower(kBsdEd2kBlueTag);
        if (const auto a = blue ? hash::Algorithm::ed2k : algorithm_named(tag)) {
            const auto digest = normalise_digest(*a, line.substr(close + 4));
            const auto name = unescape(line.substr(open + 2, close - open - 2));
            if (!digest || !name) return make_error(Errc::invalid_parameter, "malformed BSD line");
            HashListEntry e;
            e.name = *name;
            e.algorithm = *a;
            e.ed2k_blue = blue;
            e.expected = *digest;
            e.syntax = ListSyntax::bsd;
            return std::vector<HashListEntry>{e};
        }
    }

    // md5sum / sha1sum: "digest  name", "digest *name", or several digests.
    if (auto columns = parse_digest_columns(line, list_name)) {
        const auto name = unescape(columns->front().name);
        if (name && !name->empty()) {
            for (auto& e : *columns) e.name = *name;
            return std::move(*columns);
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
                HashListEntry e;
                e.name = std::string(name);
                e.algorithm = hash::Algorithm::crc32;
                e.expected = *crc;
                e.syntax = ListSyntax::sfv;
                return std::vector<HashListEntry>{e};
            }
        }
    }
    return make_error(Errc::invalid_parameter, "not a hash list line");
}

HashList parse_hash_list(std::string_view content, std::string_view list_name) {
    HashList out;
    if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);  // a UTF-8 BOM
    const size_t first = content.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return out;
    if (content[first] == '[') {
        parse_json_array(content, out);
        return out;
    }
    if (content.substr(first).starts_with("path,size")) {
        parse_csv(content.substr(first), out);
        for (auto& p : out.problems) p.line += line_of(content, first) - 1;
        for (auto& e : out.entries) e.line += line_of(content, first) - 1;
        return out;
    }
    size_t line_no = 0;
    size_t start = 0;
    while (start < content.size()) {
        size_t end = content.find('\n', start);
        if (end == std::string_view::npos) end = content.size();
        ++line_no;
        const std::string_view line = content.substr(start, end - start);
        const size_t text = line.find_first_not_of(" \t");
        if (text != std::string_view::npos && line[text] == '{') {
            add(out,
                entries_of_object(nlohmann::json::parse(line, nullptr, false), ListSyntax::jsonl),
                line_no);
        } else {
            add(out, parse_hash_list_line(line, list_name), line_no);
        }
        start = end + 1;
    }
    return out;
}

}  // namespace anidb::cli
