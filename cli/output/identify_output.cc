#include "identify_output.h"

#include <functional>
#include <variant>

#include <nlohmann/json.hpp>

#include "anime_facts.h"
#include "json_path.h"
#include "text_escape.h"

namespace anidb::cli {

namespace {

using client::AnimeInfo;
using FieldValue = std::variant<std::string, uint64_t>;

// The AniDB fields of an identified file, in output order (after path,
// size and ed2k; before source and error). The first columns are those of
// the original CSV layout, so old readers keep their positions.
struct Field {
    const char* name;
    std::function<FieldValue(const AnimeInfo&)> value;
};

const std::vector<Field>& fields() {
    static const std::vector<Field> table{
        {"file_id", [](const AnimeInfo& i) { return FieldValue(i.file_id); }},
        {"anime_id", [](const AnimeInfo& i) { return FieldValue(i.anime_id); }},
        {"episode_id", [](const AnimeInfo& i) { return FieldValue(i.episode_id); }},
        {"group_id", [](const AnimeInfo& i) { return FieldValue(i.group_id); }},
        {"anime_title", [](const AnimeInfo& i) { return FieldValue(anime_title(i)); }},
        {"anime_title_english", [](const AnimeInfo& i) { return FieldValue(i.title_english); }},
        {"episode_number", [](const AnimeInfo& i) { return FieldValue(i.episode_number); }},
        {"episode_title", [](const AnimeInfo& i) { return FieldValue(i.episode_title); }},
        {"group_name", [](const AnimeInfo& i) { return FieldValue(i.group_name); }},
        {"anime_title_romaji", [](const AnimeInfo& i) { return FieldValue(i.title_romaji); }},
        {"anime_title_kanji", [](const AnimeInfo& i) { return FieldValue(i.title_kanji); }},
        {"anime_type", [](const AnimeInfo& i) { return FieldValue(i.anime_type); }},
        {"year", [](const AnimeInfo& i) { return FieldValue(i.year); }},
        {"episode_title_romaji",
         [](const AnimeInfo& i) { return FieldValue(i.episode_title_romaji); }},
        {"episode_title_kanji",
         [](const AnimeInfo& i) { return FieldValue(i.episode_title_kanji); }},
        {"aired", [](const AnimeInfo& i) { return FieldValue(format_date(i.aired)); }},
        {"group_short_name", [](const AnimeInfo& i) { return FieldValue(i.group_short_name); }},
        {"crc32", [](const AnimeInfo& i) { return FieldValue(i.crc32); }},
        {"md5", [](const AnimeInfo& i) { return FieldValue(i.md5); }},
        {"sha1", [](const AnimeInfo& i) { return FieldValue(i.sha1); }},
        {"resolution", [](const AnimeInfo& i) { return FieldValue(i.resolution); }},
        {"quality", [](const AnimeInfo& i) { return FieldValue(i.quality); }},
        {"file_source", [](const AnimeInfo& i) { return FieldValue(i.file_source); }},
        {"video_codec", [](const AnimeInfo& i) { return FieldValue(i.video_codec); }},
        {"audio_codecs", [](const AnimeInfo& i) { return FieldValue(i.audio_codecs); }},
        {"audio_languages", [](const AnimeInfo& i) { return FieldValue(i.audio_languages); }},
        {"subtitle_languages", [](const AnimeInfo& i) { return FieldValue(i.subtitle_languages); }},
        {"version", [](const AnimeInfo& i) { return FieldValue(uint64_t{i.version}); }},
    };
    return table;
}

const char* source_of(const AnimeInfo& info) {
    return info.from_cache ? "cache" : "anidb";
}

std::string csv_value(const FieldValue& v) {
    if (const auto* n = std::get_if<uint64_t>(&v)) return std::to_string(*n);
    return csv_field(std::get<std::string>(v));
}

}  // namespace

IdentifyOutput::IdentifyOutput(std::ostream& out, OutputFormat format, Style style)
    : out_(out), format_(format), style_(style) {}

void IdentifyOutput::begin() {
    if (format_ == OutputFormat::json) out_ << '[';
    if (format_ == OutputFormat::csv) {
        out_ << "path,size,ed2k";
        for (const Field& f : fields()) out_ << ',' << f.name;
        out_ << ",source,error\n";
    }
}

void IdentifyOutput::end() {
    if (format_ == OutputFormat::json) out_ << (written_ == 0 ? "]\n" : "\n]\n");
    out_.flush();
}

void IdentifyOutput::write(const IdentifyRecord& r) {
    const AnimeInfo* info = r.info ? &*r.info : nullptr;
    switch (format_) {
        case OutputFormat::json:
        case OutputFormat::jsonl: {
            nlohmann::ordered_json o;
            put_json_path(o, r.path);
            o["size"] = r.size;
            if (!r.ed2k.empty()) o["ed2k"] = r.ed2k;
            if (info != nullptr) {
                for (const Field& f : fields()) {
                    std::visit([&](const auto& v) { o[f.name] = v; }, f.value(*info));
                }
                o["source"] = source_of(*info);
            } else {
                o["error"] = r.error.value_or("unknown error");
            }
            if (format_ == OutputFormat::json) out_ << (written_ == 0 ? "\n" : ",\n");
            out_ << o.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            if (format_ == OutputFormat::jsonl) out_ << '\n';
            break;
        }
        case OutputFormat::csv: {
            out_ << csv_field(r.path) << ',' << r.size << ',' << r.ed2k;
            for (const Field& f : fields()) {
                out_ << ',' << (info != nullptr ? csv_value(f.value(*info)) : std::string());
            }
            out_ << ',' << (info != nullptr ? source_of(*info) : "") << ','
                 << (info != nullptr ? std::string() : csv_field(r.error.value_or("unknown error")))
                 << '\n';
            break;
        }
        default: {
            // "PATH: Title - 03 - Episode title [Group] (fid 123, ..., anidb)"
            out_ << printable(r.path) << ": ";
            if (info == nullptr) {
                out_ << style_.paint(Tone::bad, "NOT IDENTIFIED") << ": "
                     << printable(r.error.value_or("unknown error")) << '\n';
                break;
            }
            out_ << printable(anime_title(*info)) << " - " << printable(info->episode_number);
            if (!info->episode_title.empty()) out_ << " - " << printable(info->episode_title);
            if (!info->group_name.empty()) out_ << " [" << printable(info->group_name) << ']';
            out_ << style_.paint(Tone::dim, " (fid " + std::to_string(info->file_id) + ", aid " +
                                                std::to_string(info->anime_id) + ", eid " +
                                                std::to_string(info->episode_id) + ", gid " +
                                                std::to_string(info->group_id) + ", " +
                                                source_of(*info) + ")")
                 << '\n';
            break;
        }
    }
    ++written_;
}

}  // namespace anidb::cli
