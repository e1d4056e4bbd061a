#include "rename_template.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "anime_facts.h"

namespace anidb::cli {

// One piece of a template: literal text, a tag (with alternatives, maybe
// optional, maybe a date format) or a section shown only when its
// condition tags are not all empty.
struct RenameTemplate::Part {
    enum class Kind { literal, tag, section };
    Kind kind = Kind::literal;
    std::string literal;
    std::vector<std::string> alternatives;  // tag names (tag), condition (section)
    bool optional = false;
    std::string format;                             // date tags: strftime format
    std::vector<std::shared_ptr<const Part>> body;  // section
};

namespace {

using Part = RenameTemplate::Part;
using Parts = std::vector<std::shared_ptr<const Part>>;

constexpr std::string_view kDefaultDateFormat = "%Y-%m-%d";

const TemplateTag* find_tag(std::string_view name) {
    for (const TemplateTag& t : template_tags()) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

std::string trim_component(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '.')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '.')) s.remove_suffix(1);
    return std::string(s);
}

std::string base_name(std::string_view path) {
    const size_t slash = path.find_last_of('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string stem_of(std::string_view path) {
    std::string name = base_name(path);
    const size_t dot = name.find_last_of('.');
    if (dot != std::string::npos && dot > 0) name.resize(dot);
    return name;
}

std::string extension_of(std::string_view path) {
    const std::string name = base_name(path);
    const size_t dot = name.find_last_of('.');
    return dot != std::string::npos && dot > 0 ? name.substr(dot + 1) : std::string();
}

Error template_error(const std::string& message) {
    return make_error(Errc::invalid_parameter, "template: " + message);
}

// Splits "a|b|c" into known tag names.
Result<std::vector<std::string>> tag_names(std::string_view text,
                                           std::set<std::string, std::less<>>& used) {
    std::vector<std::string> names;
    size_t start = 0;
    while (start <= text.size()) {
        size_t bar = text.find('|', start);
        if (bar == std::string_view::npos) bar = text.size();
        std::string name(text.substr(start, bar - start));
        if (find_tag(name) == nullptr) {
            return template_error("unknown tag '{" + name + "}' (see anidb rename --help)");
        }
        used.insert(name);
        names.push_back(std::move(name));
        start = bar + 1;
    }
    return names;
}

// A recursive-descent parser over the template text. `pos` moves forward;
// a section's body ends at its matching '}'.
class Parser {
  public:
    Parser(std::string_view text, std::set<std::string, std::less<>>& used)
        : text_(text), used_(used) {}

    Result<Parts> parse_parts(bool in_section) {
        Parts parts;
        std::string literal;
        const auto flush = [&] {
            if (literal.empty()) return;
            auto p = std::make_shared<Part>();
            p->literal = std::move(literal);
            parts.push_back(std::move(p));
            literal.clear();
        };
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == '}') {
                if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '}') {
                    literal += '}';
                    pos_ += 2;
                    continue;
                }
                if (in_section) {
                    ++pos_;  // the section's end
                    flush();
                    return parts;
                }
                return template_error("unmatched '}' (write '}}' for a brace)");
            }
            if (c != '{') {
                literal += c;
                ++pos_;
                continue;
            }
            if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '{') {
                literal += '{';
                pos_ += 2;
                continue;
            }
            flush();
            auto part = text_.substr(pos_ + 1).starts_with("?") ? parse_section() : parse_tag();
            if (!part) return part.error();
            parts.push_back(std::move(*part));
        }
        if (in_section) return template_error("unclosed '{?' section");
        flush();
        return parts;
    }

  private:
    // "{?names:BODY}"
    Result<std::shared_ptr<const Part>> parse_section() {
        const size_t colon = text_.find(':', pos_);
        const size_t brace = text_.find_first_of("{}", pos_ + 1);
        if (colon == std::string_view::npos || (brace != std::string_view::npos && brace < colon)) {
            return template_error("a section is written {?tag:text}");
        }
        auto names = tag_names(text_.substr(pos_ + 2, colon - pos_ - 2), used_);
        if (!names) return names.error();
        pos_ = colon + 1;
        auto body = parse_parts(true);
        if (!body) return body.error();
        auto p = std::make_shared<Part>();
        p->kind = Part::Kind::section;
        p->alternatives = std::move(*names);
        p->body = std::move(*body);
        return std::shared_ptr<const Part>(std::move(p));
    }

    // "{names[?][:format]}"
    Result<std::shared_ptr<const Part>> parse_tag() {
        const size_t close = text_.find('}', pos_);
        if (close == std::string_view::npos) return template_error("unclosed '{'");
        std::string_view body = text_.substr(pos_ + 1, close - pos_ - 1);
        auto p = std::make_shared<Part>();
        p->kind = Part::Kind::tag;
        std::optional<std::string_view> format;
        if (const size_t colon = body.find(':'); colon != std::string_view::npos) {
            format = body.substr(colon + 1);
            body = body.substr(0, colon);
        }
        if (!body.empty() && body.back() == '?') {
            p->optional = true;
            body.remove_suffix(1);
        }
        auto names = tag_names(body, used_);
        if (!names) return names.error();
        p->alternatives = std::move(*names);
        if (format) {
            if (format->empty())
                return template_error("empty format in {" + std::string(body) + ":}");
            for (const std::string& name : p->alternatives) {
                if (!find_tag(name)->date) {
                    return template_error("tag {" + name + "} takes no format (only dates do)");
                }
            }
            p->format = std::string(*format);
        }
        pos_ = close + 1;
        return std::shared_ptr<const Part>(std::move(p));
    }

    std::string_view text_;
    size_t pos_ = 0;
    std::set<std::string, std::less<>>& used_;
};

std::string value_of(const TagValues& values, const std::string& name, const std::string& format) {
    const auto it = values.find(name);
    if (it == values.end()) return {};
    if (!find_tag(name)->date) return it->second;
    int64_t seconds = 0;
    const auto& v = it->second;
    std::from_chars(v.data(), v.data() + v.size(), seconds);
    return format_date(seconds, format.empty() ? kDefaultDateFormat : std::string_view(format));
}

// The first non-empty value of the alternatives, "" when all are empty.
std::string first_value(const TagValues& values, const Part& part) {
    for (const std::string& name : part.alternatives) {
        std::string v = value_of(values, name, part.format);
        if (!v.empty()) return v;
    }
    return {};
}

Status expand_parts(const Parts& parts, const TagValues& values, std::string& out) {
    for (const auto& part : parts) {
        switch (part->kind) {
            case Part::Kind::literal:
                out += part->literal;
                break;
            case Part::Kind::tag: {
                const std::string value = first_value(values, *part);
                if (value.empty() && !part->optional) {
                    return make_error(
                        Errc::invalid_parameter,
                        "template tag {" + part->alternatives.front() + "} is empty for this file");
                }
                out += sanitize_file_name_part(value);
                break;
            }
            case Part::Kind::section:
                if (!first_value(values, *part).empty()) {
                    if (Status st = expand_parts(part->body, values, out); !st) return st;
                }
                break;
        }
    }
    return {};
}

}  // namespace

const std::vector<TemplateTag>& template_tags() {
    static const std::vector<TemplateTag> tags{
        {"anime", "anime title: romaji, else English, else kanji"},
        {"anime_romaji", "romaji title"},
        {"anime_english", "English title"},
        {"anime_kanji", "kanji title"},
        {"episode", "episode number as AniDB writes it (03, S1, C2)"},
        {"epno", "the same as {episode}"},
        {"episode_title", "English episode title"},
        {"episode_english", "the same as {episode_title}"},
        {"episode_romaji", "romaji episode title"},
        {"episode_kanji", "kanji episode title"},
        {"aired", "the episode's air date; {aired:%Y} etc. (strftime, default %Y-%m-%d)", false,
         true},
        {"group", "release group name"},
        {"group_short", "release group short name"},
        {"version", "release version from AniDB (v2..v5), else from the original name (v2)"},
        {"vcodec", "video codec (H264/AVC, HEVC, ...)"},
        {"acodec", "audio codecs, one per stream, comma-separated"},
        {"audio_languages", "audio (dub) languages, one per stream, comma-separated"},
        {"sub_languages", "subtitle languages, one per stream, comma-separated"},
        {"resolution", "video resolution (1920x1080)"},
        {"quality", "AniDB quality (high, very high, ...)"},
        {"source", "file source (TV, DVD, Blu-ray, www)"},
        {"type", "anime type (TV Series, Movie, OVA)"},
        {"year", "year(s) the anime aired"},
        {"file_id", "AniDB file id"},
        {"anime_id", "AniDB anime id"},
        {"episode_id", "AniDB episode id"},
        {"group_id", "AniDB group id"},
        {"crc32", "CRC32 of the file, uppercase (local)", true},
        {"ed2k", "ED2K hash of the file (local)", true},
        {"md5", "MD5 of the file (local)", true},
        {"sha1", "SHA1 of the file (local)", true},
        {"size", "file size in bytes (local)", true},
        {"ext", "the file's extension without the dot (local; it is kept anyway)", true},
        {"original", "the file's current name without extension (local)", true},
    };
    return tags;
}

Result<RenameTemplate> RenameTemplate::parse(std::string_view text) {
    RenameTemplate t;
    Parser parser(text, t.tags_);
    auto parts = parser.parse_parts(false);
    if (!parts) return parts.error();
    t.parts_ = std::move(*parts);
    if (t.parts_.empty()) return template_error("empty");
    return t;
}

bool RenameTemplate::needs_anidb() const {
    return std::any_of(tags_.begin(), tags_.end(),
                       [](const std::string& name) { return !find_tag(name)->local; });
}

std::vector<hash::Algorithm> RenameTemplate::hashes_needed() const {
    std::vector<hash::Algorithm> out;
    for (auto a : {hash::Algorithm::crc32, hash::Algorithm::ed2k, hash::Algorithm::md5,
                   hash::Algorithm::sha1}) {
        if (tags_.count(hash::algorithm_name(a)) != 0) out.push_back(a);
    }
    return out;
}

Result<std::string> RenameTemplate::expand(const TagValues& values) const {
    std::string out;
    if (Status st = expand_parts(parts_, values, out); !st) return st.error();
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
            return std::string("v").append(file_name.substr(i + 1, end - i - 1));
    }
    return {};
}

TagValues tag_values(const client::AnimeInfo* info, const LocalFile& file) {
    const auto id = [](uint64_t v) { return v == 0 ? std::string() : std::to_string(v); };
    const auto digest = [&](hash::Algorithm a) {
        for (const hash::Digest& d : file.digests) {
            if (d.algorithm == a) return d.value;
        }
        return std::string();
    };
    std::string crc = digest(hash::Algorithm::crc32);
    for (char& c : crc) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::string original = stem_of(file.path);
    TagValues values{
        {"crc32", crc},
        {"ed2k", digest(hash::Algorithm::ed2k)},
        {"md5", digest(hash::Algorithm::md5)},
        {"sha1", digest(hash::Algorithm::sha1)},
        {"size", std::to_string(file.size)},
        {"ext", extension_of(file.path)},
        {"original", original},
        {"version", version_from_name(original)},
    };
    if (info == nullptr) return values;
    const client::AnimeInfo& i = *info;
    const std::pair<const char*, std::string> anidb[] = {
        {"anime", anime_title(i)},
        {"anime_romaji", i.title_romaji},
        {"anime_english", i.title_english},
        {"anime_kanji", i.title_kanji},
        {"episode", i.episode_number},
        {"epno", i.episode_number},
        {"episode_title", i.episode_title},
        {"episode_english", i.episode_title},
        {"episode_romaji", i.episode_title_romaji},
        {"episode_kanji", i.episode_title_kanji},
        {"aired", i.aired == 0 ? std::string() : std::to_string(i.aired)},
        {"group", i.group_name},
        {"group_short", i.group_short_name},
        {"vcodec", i.video_codec},
        {"acodec", i.audio_codecs},
        {"audio_languages", i.audio_languages},
        {"sub_languages", i.subtitle_languages},
        {"resolution", i.resolution},
        {"quality", i.quality},
        {"source", i.file_source},
        {"type", i.anime_type},
        {"year", i.year},
        {"file_id", id(i.file_id)},
        {"anime_id", id(i.anime_id)},
        {"episode_id", id(i.episode_id)},
        {"group_id", id(i.group_id)},
    };
    for (const auto& [name, value] : anidb) values[name] = value;
    if (i.version >= 2) values["version"] = std::string("v").append(std::to_string(i.version));
    return values;
}

}  // namespace anidb::cli
