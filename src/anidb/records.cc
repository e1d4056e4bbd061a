#include "anidb/records.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "anidb/codec.h"
#include "anidb/masks.h"
#include "anidb/record_fields.h"
#include "anidb/selectors.h"
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
    if (out.size() > kMaxListElements) out.resize(kMaxListElements);
    for (auto& v : out) v = safe_text(unescape_field(v), kMaxFieldBytes);
    return out;
}

// A numeric field read strictly (record_fields.h): the first bad one is
// kept in `error`.
struct StrictNumbers {
    const FieldMap& m;
    std::string record;
    Error error{Errc::ok, {}};

    int64_t operator()(std::string_view k, int64_t max = kMaxInt4) {
        auto it = m.find(k);
        if (it == m.end()) return 0;
        auto v = parse_field_number(it->second, max);
        if (v) return *v;
        if (error.code == Errc::ok) {
            error = make_error(Errc::protocol, record + " field " + std::string(k) +
                                                   " is not a number in range: \"" +
                                                   safe_text(it->second, 40) + "\"");
        }
        return 0;
    }
};

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
    StrictNumbers number{m, "ANIME reply"};
    AnimeInfo a;
    a.aid = number("aid");
    a.dateflags = number("dateflags");
    a.year = text(m, "year");
    a.type = text(m, "type");
    a.romaji_title = text(m, "romaji_name");
    a.kanji_title = text(m, "kanji_name");
    a.english_title = text(m, "english_name");
    a.other_title = text(m, "other_name");
    a.short_names = list(m, "short_names");
    a.synonyms = list(m, "synonyms");
    a.episodes = number("episodes");
    a.highest_episode = number("highest_episode");
    a.special_count = number("special_count");
    a.air_date = number("air_date", kMaxUnixTime);
    a.end_date = number("end_date", kMaxUnixTime);
    a.url = raw(m, "url");
    a.picname = raw(m, "picname");
    a.rating = number("rating");
    a.vote_count = number("vote_count");
    a.is_18_restricted = number("is_18_restricted", 1) != 0;
    a.date_record_updated = number("date_record_updated", kMaxUnixTime);
    if (number.error.code != Errc::ok) return number.error;
    return a;
}

Result<EpisodeInfo> decode_episode_line(std::string_view line) {
    // eid|aid|length|rating|votes|epno|english|romaji|kanji|aired|type
    LineReader r("EPISODE reply", line, 11);
    EpisodeInfo e;
    e.eid = r.number(0, "eid");
    e.aid = r.number(1, "aid");
    e.length_minutes = r.number(2, "length");
    e.rating = r.number(3, "rating");
    e.votes = r.number(4, "votes");
    e.epno = r.text(5);
    e.english_title = r.text(6);
    e.romaji_title = r.text(7);
    e.kanji_title = r.text(8);
    e.aired = r.date(9, "aired");
    e.type = r.number(10, "type", 6);
    if (Status s = r.status(); !s) return s.error();
    if (e.eid <= 0 || e.aid <= 0)
        return make_error(Errc::protocol, "EPISODE reply has no eid or aid");
    if (!e.epno.empty() && !normalize_epno(e.epno))
        return make_error(Errc::protocol, "EPISODE reply has a malformed episode number");
    return e;
}

namespace {
// "othergid,type'othergid,type": every pair two numbers.
bool parse_relations(LineReader& r, size_t i, std::vector<GroupRelation>& out) {
    for (const auto& pair : split_list(r.field(i))) {
        const size_t comma = pair.find(',');
        if (comma == std::string::npos) return false;
        auto gid = parse_field_number(std::string_view(pair).substr(0, comma), kMaxInt4);
        auto type = parse_field_number(std::string_view(pair).substr(comma + 1), kMaxInt4);
        if (!gid || !type || *gid == 0) return false;
        if (out.size() < kMaxListElements) out.push_back({*gid, *type});
    }
    return true;
}
}  // namespace

Result<GroupInfo> decode_group_line(std::string_view line) {
    // gid|rating|votes|anime count|file count|name|short name|irc channel|
    // irc server|url|picname|founded|disbanded|dateflags|last release|
    // last activity|relations
    LineReader r("GROUP reply", line, 17);
    GroupInfo g;
    g.gid = r.number(0, "gid");
    g.rating = r.number(1, "rating");
    g.votes = r.number(2, "votes");
    g.anime_count = r.number(3, "anime count");
    g.file_count = r.number(4, "file count");
    g.name = r.text(5);
    g.short_name = r.text(6);
    g.irc_channel = r.raw(7);
    g.irc_server = r.raw(8);
    g.url = r.raw(9);
    g.picname = r.raw(10);
    g.founded = r.date(11, "founded");
    g.disbanded = r.date(12, "disbanded");
    g.dateflags = r.number(13, "dateflags");
    g.last_release = r.date(14, "last release");
    g.last_activity = r.date(15, "last activity");
    if (!parse_relations(r, 16, g.relations)) r.fail("field relations is not a list of gid,type");
    if (Status s = r.status(); !s) return s.error();
    if (g.gid <= 0) return make_error(Errc::protocol, "GROUP reply has no gid");
    return g;
}

}  // namespace anidb::udp
