#include "anidb/records.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "anidb/codec.h"
#include "anidb/masks.h"
#include "anidb/server_text.h"

namespace anidb::udp {
namespace {

constexpr std::array<std::string_view, 20> kFmaskFields = {
    "aid",       "eid",           "gid",           "lid",         "state",
    "size",      "ed2k",          "md5",           "sha1",        "crc32",
    "quality",   "source",        "audio_codecs",  "video_codec", "resolution",
    "file_type", "dub_languages", "sub_languages", "length",      "aired"};
constexpr std::array<std::string_view, 12> kAmaskFields = {
    "total_episodes", "year",          "type",       "romaji_name",
    "kanji_name",     "english_name",  "epno",       "ep_name",
    "ep_romaji_name", "ep_kanji_name", "group_name", "group_short_name"};
constexpr std::array<std::string_view, 21> kAnimeFields = {
    "aid",           "dateflags",        "year",
    "type",          "romaji_name",      "kanji_name",
    "english_name",  "other_name",       "short_names",
    "synonyms",      "episodes",         "highest_episode",
    "special_count", "air_date",         "end_date",
    "url",           "picname",          "rating",
    "vote_count",    "is_18_restricted", "date_record_updated"};

const std::string& must(const Result<std::string>& r) {
    return r.value();
}

using FieldMap = std::map<std::string_view, std::string>;

// Longest data field kept; a longer one (a hostile or broken reply) is cut.
constexpr size_t kMaxFieldBytes = 1024;

// Display text with control characters escaped (server_text.h).
std::string clean(std::string_view value) {
    return safe_text(display_field(value), kMaxFieldBytes);
}

std::string text(const FieldMap& m, std::string_view k) {
    auto it = m.find(k);
    return it == m.end() ? std::string() : clean(it->second);
}
std::string raw(const FieldMap& m, std::string_view k) {
    auto it = m.find(k);
    return it == m.end() ? std::string() : safe_text(unescape_field(it->second), kMaxFieldBytes);
}
// A hash field: lower-case hex of the expected length, or empty.
std::string hex(const FieldMap& m, std::string_view k, size_t digits) {
    auto it = m.find(k);
    if (it == m.end() || !is_hex(it->second, digits)) return {};
    std::string out = it->second;
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}
int64_t num(const FieldMap& m, std::string_view k) {
    auto it = m.find(k);
    return it == m.end() ? 0 : field_int(it->second);
}
std::vector<std::string> list(const FieldMap& m, std::string_view k) {
    auto it = m.find(k);
    if (it == m.end()) return {};
    std::vector<std::string> out = split_list(it->second);
    if (out.size() > 64) out.resize(64);
    for (auto& v : out) v = safe_text(unescape_field(v), kMaxFieldBytes);
    return out;
}

std::string at(const std::vector<std::string>& f, size_t i, bool display = true) {
    if (i >= f.size()) return {};
    return display ? clean(f[i]) : safe_text(unescape_field(f[i]), kMaxFieldBytes);
}
int64_t at_int(const std::vector<std::string>& f, size_t i) {
    return i < f.size() ? field_int(f[i]) : 0;
}

}  // namespace

std::span<const std::string_view> file_request_fmask_fields() {
    return kFmaskFields;
}
std::span<const std::string_view> file_request_amask_fields() {
    return kAmaskFields;
}
std::span<const std::string_view> anime_request_amask_fields() {
    return kAnimeFields;
}

const std::string& file_request_fmask() {
    static const std::string hex = must(mask_hex(file_fmask_table(), kFmaskFields));
    return hex;
}
const std::string& file_request_amask() {
    static const std::string hex = must(mask_hex(file_amask_table(), kAmaskFields));
    return hex;
}
const std::string& anime_request_amask() {
    static const std::string hex = must(mask_hex(anime_amask_table(), kAnimeFields));
    return hex;
}

Result<FileInfo> decode_file_line(std::string_view line, std::string_view fmask_hex,
                                  std::string_view amask_hex) {
    auto fnames = mask_fields(file_fmask_table(), fmask_hex);
    if (!fnames) return fnames.error();
    auto anames = mask_fields(file_amask_table(), amask_hex);
    if (!anames) return anames.error();
    std::vector<std::string> fields = split_fields(line);
    // Every selected field is there, if empty; fewer means a cut reply.
    if (fields.size() < 1 + fnames->size() + anames->size())
        return make_error(Errc::protocol, "FILE reply line has too few fields");
    FileInfo f;
    f.fid = fields.empty() ? 0 : field_int(fields[0]);
    if (f.fid <= 0) return make_error(Errc::protocol, "FILE reply line has no fid");
    FieldMap m = zip_fields(*fnames, fields, 1);
    FieldMap a = zip_fields(*anames, fields, 1 + fnames->size());
    m.merge(a);
    f.aid = num(m, "aid");
    f.eid = num(m, "eid");
    f.gid = num(m, "gid");
    f.lid = num(m, "lid");
    f.state = num(m, "state");
    f.size = static_cast<uint64_t>(std::max<int64_t>(0, num(m, "size")));
    f.ed2k = hex(m, "ed2k", 32);
    f.md5 = hex(m, "md5", 32);
    f.sha1 = hex(m, "sha1", 40);
    f.crc32 = hex(m, "crc32", 8);
    f.quality = text(m, "quality");
    f.source = text(m, "source");
    f.audio_codecs = list(m, "audio_codecs");
    f.video_codec = text(m, "video_codec");
    f.resolution = text(m, "resolution");
    f.file_type = text(m, "file_type");
    f.dub_languages = list(m, "dub_languages");
    f.sub_languages = list(m, "sub_languages");
    f.length_seconds = num(m, "length");
    f.aired = num(m, "aired");
    f.anime_total_episodes = num(m, "total_episodes");
    f.year = text(m, "year");
    f.anime_type = text(m, "type");
    f.romaji_title = text(m, "romaji_name");
    f.kanji_title = text(m, "kanji_name");
    f.english_title = text(m, "english_name");
    f.epno = text(m, "epno");
    f.episode_english_title = text(m, "ep_name");
    f.episode_romaji_title = text(m, "ep_romaji_name");
    f.episode_kanji_title = text(m, "ep_kanji_name");
    f.group_name = text(m, "group_name");
    f.group_short_name = text(m, "group_short_name");
    return f;
}

Result<AnimeInfo> decode_anime_line(std::string_view line, std::string_view amask_hex) {
    auto names = mask_fields(anime_amask_table(), amask_hex);
    if (!names) return names.error();
    std::vector<std::string> fields = split_fields(line);
    if (fields.size() < names->size())
        return make_error(Errc::protocol, "ANIME reply line has too few fields");
    FieldMap m = zip_fields(*names, fields, 0);
    AnimeInfo a;
    a.aid = num(m, "aid");
    a.dateflags = num(m, "dateflags");
    a.year = text(m, "year");
    a.type = text(m, "type");
    a.romaji_title = text(m, "romaji_name");
    a.kanji_title = text(m, "kanji_name");
    a.english_title = text(m, "english_name");
    a.other_title = text(m, "other_name");
    a.short_names = list(m, "short_names");
    a.synonyms = list(m, "synonyms");
    a.episodes = num(m, "episodes");
    a.highest_episode = num(m, "highest_episode");
    a.special_count = num(m, "special_count");
    a.air_date = num(m, "air_date");
    a.end_date = num(m, "end_date");
    a.url = raw(m, "url");
    a.picname = raw(m, "picname");
    a.rating = num(m, "rating");
    a.vote_count = num(m, "vote_count");
    a.is_18_restricted = num(m, "is_18_restricted") != 0;
    a.date_record_updated = num(m, "date_record_updated");
    return a;
}

EpisodeInfo decode_episode_line(std::string_view line) {
    auto f = split_fields(line);
    EpisodeInfo e;
    e.eid = at_int(f, 0);
    e.aid = at_int(f, 1);
    e.length_minutes = at_int(f, 2);
    e.rating = at_int(f, 3);
    e.votes = at_int(f, 4);
    e.epno = at(f, 5);
    e.english_title = at(f, 6);
    e.romaji_title = at(f, 7);
    e.kanji_title = at(f, 8);
    e.aired = at_int(f, 9);
    e.type = at_int(f, 10);
    return e;
}

GroupInfo decode_group_line(std::string_view line) {
    auto f = split_fields(line);
    GroupInfo g;
    g.gid = at_int(f, 0);
    g.rating = at_int(f, 1);
    g.votes = at_int(f, 2);
    g.anime_count = at_int(f, 3);
    g.file_count = at_int(f, 4);
    g.name = at(f, 5);
    g.short_name = at(f, 6);
    g.irc_channel = at(f, 7, false);
    g.irc_server = at(f, 8, false);
    g.url = at(f, 9, false);
    g.picname = at(f, 10, false);
    g.founded = at_int(f, 11);
    g.disbanded = at_int(f, 12);
    g.dateflags = at_int(f, 13);
    g.last_release = at_int(f, 14);
    g.last_activity = at_int(f, 15);
    return g;
}

namespace {
// The MyList note may hold line breaks ("<br />" on the wire).
std::string mylist_note(const std::vector<std::string>& f) {
    return f.size() > 10 ? safe_multiline_text(display_field(f[10]), kMaxFieldBytes)
                         : std::string();
}
}  // namespace

MylistEntry decode_mylist_entry(std::string_view line) {
    auto f = split_fields(line);
    MylistEntry e;
    e.lid = at_int(f, 0);
    e.fid = at_int(f, 1);
    e.eid = at_int(f, 2);
    e.aid = at_int(f, 3);
    e.gid = at_int(f, 4);
    e.date_added = at_int(f, 5);
    e.state = at_int(f, 6);
    e.viewdate = at_int(f, 7);
    e.storage = at(f, 8);
    e.source = at(f, 9);
    e.other = mylist_note(f);
    e.filestate = at_int(f, 11);
    return e;
}

}  // namespace anidb::udp
