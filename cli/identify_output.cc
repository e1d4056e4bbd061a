#include "identify_output.h"

#include <nlohmann/json.hpp>

#include "json_path.h"
#include "text_escape.h"

namespace anidb::cli {

namespace {

constexpr const char* kCsvHeader =
    "path,size,ed2k,file_id,anime_id,episode_id,group_id,anime_title,anime_title_english,"
    "episode_number,episode_title,group_name,source,error\n";

const char* source_of(const client::AnimeInfo& info) {
    return info.from_cache ? "cache" : "anidb";
}

}  // namespace

IdentifyOutput::IdentifyOutput(std::ostream& out, OutputFormat format)
    : out_(out), format_(format) {}

void IdentifyOutput::begin() {
    if (format_ == OutputFormat::json) out_ << '[';
    if (format_ == OutputFormat::csv) out_ << kCsvHeader;
}

void IdentifyOutput::end() {
    if (format_ == OutputFormat::json) out_ << (written_ == 0 ? "]\n" : "\n]\n");
    out_.flush();
}

void IdentifyOutput::write(const IdentifyRecord& r) {
    const client::AnimeInfo* info = r.info ? &*r.info : nullptr;
    switch (format_) {
        case OutputFormat::json:
        case OutputFormat::jsonl: {
            nlohmann::ordered_json o;
            put_json_path(o, r.path);
            o["size"] = r.size;
            if (!r.ed2k.empty()) o["ed2k"] = r.ed2k;
            if (info != nullptr) {
                o["file_id"] = info->file_id;
                o["anime_id"] = info->anime_id;
                o["episode_id"] = info->episode_id;
                o["group_id"] = info->group_id;
                o["anime_title"] = info->title_romaji;
                o["anime_title_english"] = info->title_english;
                o["episode_number"] = info->episode_number;
                o["episode_title"] = info->episode_title;
                o["group_name"] = info->group_name;
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
            out_ << csv_field(r.path) << ',' << r.size << ',' << r.ed2k << ',';
            if (info != nullptr) {
                out_ << info->file_id << ',' << info->anime_id << ',' << info->episode_id << ','
                     << info->group_id << ',' << csv_field(info->title_romaji) << ','
                     << csv_field(info->title_english) << ',' << csv_field(info->episode_number)
                     << ',' << csv_field(info->episode_title) << ',' << csv_field(info->group_name)
                     << ',' << source_of(*info) << ",\n";
            } else {
                out_ << ",,,,,,,,,," << csv_field(r.error.value_or("unknown error")) << '\n';
            }
            break;
        }
        default: {
            // "PATH: Title - 03 - Episode title [Group] (fid 123, anidb)"
            out_ << printable(r.path) << ": ";
            if (info == nullptr) {
                out_ << "NOT IDENTIFIED: " << printable(r.error.value_or("unknown error")) << '\n';
                break;
            }
            const std::string& title =
                info->title_romaji.empty() ? info->title_english : info->title_romaji;
            out_ << printable(title) << " - " << printable(info->episode_number);
            if (!info->episode_title.empty()) out_ << " - " << printable(info->episode_title);
            if (!info->group_name.empty()) out_ << " [" << printable(info->group_name) << ']';
            out_ << " (fid " << info->file_id << ", aid " << info->anime_id << ", eid "
                 << info->episode_id << ", gid " << info->group_id << ", " << source_of(*info)
                 << ")\n";
            break;
        }
    }
    ++written_;
}

}  // namespace anidb::cli
