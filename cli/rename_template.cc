#include "rename_template.h"

#include <algorithm>
#include <cctype>

namespace anidb::cli {

namespace {

bool known_tag(std::string_view name) {
    const auto& tags = template_tags();
    return std::any_of(tags.begin(), tags.end(),
                       [&](const TemplateTag& t) { return t.name == name; });
}

std::string trim_component(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '.')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '.')) s.remove_suffix(1);
    return std::string(s);
}

std::string stem_of(std::string_view path) {
    const size_t slash = path.find_last_of('/');
    std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const size_t dot = name.find_last_of('.');
    if (dot != std::string_view::npos && dot > 0) name = name.substr(0, dot);
    return std::string(name);
}

}  // namespace

const std::vector<TemplateTag>& template_tags() {
    static const std::vector<TemplateTag> tags{
        {"anime", "anime title: romaji, else English, else kanji"},
        {"anime_romaji", "romaji title"},
        {"anime_english", "English title"},
        {"anime_kanji", "kanji title"},
        {"episode", "episode number as AniDB writes it (03, S1, C2)"},
        {"episode_title", "English episode title"},
        {"group", "release group name"},
        {"group_short", "release group short name"},
        {"version", "release version from AniDB (v2..v5), else from the original name (v2)"},
        {"vcodec", "video codec (H264/AVC, HEVC, ...)"},
        {"acodec", "audio codecs, one per stream, comma-separated"},
        {"resolution", "video resolution (1920x1080)"},
        {"quality", "AniDB quality (high, very high, ...)"},
        {"source", "file source (TV, DVD, Blu-ray, www)"},
        {"type", "anime type (TV Series, Movie, OVA)"},
        {"year", "year(s) the anime aired"},
        {"crc32", "CRC32 of the file, uppercase"},
        {"ed2k", "ED2K hash of the file"},
        {"file_id", "AniDB file id"},
        {"anime_id", "AniDB anime id"},
        {"episode_id", "AniDB episode id"},
        {"group_id", "AniDB group id"},
        {"original", "the file's current name without extension"},
    };
    return tags;
}

Result<RenameTemplate> RenameTemplate::parse(std::string_view text) {
    RenameTemplate t;
    std::string literal;
    const auto flush_literal = [&] {
        if (!literal.empty()) t.parts_.push_back(Part{std::move(literal), {}, false});
        literal.clear();
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '}') {
            if (i + 1 < text.size() && text[i + 1] == '}') {
                literal += '}';
                ++i;
                continue;
            }
            return make_error(Errc::invalid_parameter,
                              "template: unmatched '}' (write '}}' for a brace)");
        }
        if (c != '{') {
            literal += c;
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '{') {
            literal += '{';
            ++i;
            continue;
        }
        const size_t close = text.find('}', i);
        if (close == std::string_view::npos)
            return make_error(Errc::invalid_parameter, "template: unclosed '{'");
        std::string_view body = text.substr(i + 1, close - i - 1);
        Part part;
        if (!body.empty() && body.back() == '?') {
            part.optional = true;
            body.remove_suffix(1);
        }
        size_t start = 0;
        while (start <= body.size()) {
            size_t bar = body.find('|', start);
            if (bar == std::string_view::npos) bar = body.size();
            std::string name(body.substr(start, bar - start));
            if (!known_tag(name)) {
                return make_error(Errc::invalid_parameter, "template: unknown tag '{" + name +
                                                               "}' (see anidb rename --help)");
            }
            part.alternatives.push_back(std::move(name));
            start = bar + 1;
        }
        flush_literal();
        t.parts_.push_back(std::move(part));
        i = close;
    }
    flush_literal();
    if (t.parts_.empty()) return make_error(Errc::invalid_parameter, "template: empty");
    return t;
}

Result<std::string> RenameTemplate::expand(const TagValues& values) const {
    std::string out;
    for (const Part& part : parts_) {
        if (part.alternatives.empty()) {
            out += part.literal;
            continue;
        }
        std::string value;
        for (const std::string& name : part.alternatives) {
            const auto it = values.find(name);
            if (it != values.end() && !it->second.empty()) {
                value = it->second;
                break;
            }
        }
        if (value.empty() && !part.optional) {
            return make_error(
                Errc::invalid_parameter,
                "template tag {" + part.alternatives.front() + "} is empty for this file");
        }
        out += sanitize_file_name_part(value);
    }
    // Clean each folder/file component the template produced.
    std::string path;
    size_t start = 0;
    while (start <= out.size()) {
        size_t slash = out.find('/', start);
        if (slash == std::string::npos) slash = out.size();
        const std::string component =
            trim_component(std::string_view(out).substr(start, slash - start));
        if (component.empty() || component == "..") {
            return make_error(Errc::invalid_parameter,
                              "template produced an empty file or folder name");
        }
        if (!path.empty()) path += '/';
        path += component;
        start = slash + 1;
    }
    return path;
}

std::string sanitize_file_name_part(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' ||
            c == '"' || c == '<' || c == '>' || c == '|') {
            out += '_';
        } else {
            out += c;
        }
    }
    return out;
}

std::string version_from_name(std::string_view file_name) {
    // A 'v' + digit right after an episode number ("03v2") or standing alone
    // ("[v2]", " v3 "), not inside a word.
    for (size_t i = 0; i + 1 < file_name.size(); ++i) {
        if ((file_name[i] != 'v' && file_name[i] != 'V') ||
            !std::isdigit(static_cast<unsigned char>(file_name[i + 1]))) {
            continue;
        }
        const bool before_ok =
            i == 0 || !std::isalpha(static_cast<unsigned char>(file_name[i - 1]));
        size_t end = i + 1;
        while (end < file_name.size() && std::isdigit(static_cast<unsigned char>(file_name[end])))
            ++end;
        const bool after_ok =
            end == file_name.size() || !std::isalnum(static_cast<unsigned char>(file_name[end]));
        if (before_ok && after_ok && end - i <= 2)
            return "v" + std::string(file_name.substr(i + 1, end - i - 1));
    }
    return {};
}

TagValues tag_values(const client::AnimeInfo& info, std::string_view original_path) {
    const auto id = [](uint64_t v) { return v == 0 ? std::string() : std::to_string(v); };
    std::string crc = info.crc32;
    for (char& c : crc) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::string original = stem_of(original_path);
    std::string anime = info.title_romaji;
    if (anime.empty()) anime = info.title_english;
    if (anime.empty()) anime = info.title_kanji;
    return TagValues{
        {"anime", anime},
        {"anime_romaji", info.title_romaji},
        {"anime_english", info.title_english},
        {"anime_kanji", info.title_kanji},
        {"episode", info.episode_number},
        {"episode_title", info.episode_title},
        {"group", info.group_name},
        {"group_short", info.group_short_name},
        {"version", info.version >= 2 ? "v" + std::to_string(info.version)
                                      : version_from_name(original)},
        {"vcodec", info.video_codec},
        {"acodec", info.audio_codecs},
        {"resolution", info.resolution},
        {"quality", info.quality},
        {"source", info.file_source},
        {"type", info.anime_type},
        {"year", info.year},
        {"crc32", crc},
        {"ed2k", info.ed2k},
        {"file_id", id(info.file_id)},
        {"anime_id", id(info.anime_id)},
        {"episode_id", id(info.episode_id)},
        {"group_id", id(info.group_id)},
        {"original", original},
    };
}

}  // namespace anidb::cli
