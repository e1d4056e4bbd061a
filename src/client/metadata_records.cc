#include "client/metadata_records.h"

#include <charconv>

namespace anidb::client {
namespace {

// Lists are joined by the unit separator: server text arrives escaped for
// display (record_fields.h), so it never holds a raw control character.
constexpr char kSep = '\x1f';
constexpr const char* kFullMarker = "record";  // "1" on every full record

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += kSep;
        out += items[i];
    }
    return out;
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    if (text.empty()) return out;
    size_t start = 0;
    while (true) {
        const size_t at = text.find(kSep, start);
        out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) break;
        start = at + 1;
    }
    return out;
}

// Reads named fields; `ok` turns false at the first missing or malformed one.
class Reader {
  public:
    explicit Reader(const RecordFields& f) : f_(f) {
        auto it = f.find(kFullMarker);
        ok_ = it != f.end() && it->second == "1";
    }
    bool ok() const { return ok_; }
    void text(const char* key, std::string& out) {
        auto it = f_.find(key);
        if (it == f_.end()) {
            ok_ = false;
            return;
        }
        out = it->second;
    }
    void number(const char* key, int64_t& out) {
        auto it = f_.find(key);
        if (it == f_.end()) {
            ok_ = false;
            return;
        }
        const std::string& s = it->second;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size()) ok_ = false;
    }
    void list(const char* key, std::vector<std::string>& out) {
        std::string joined;
        text(key, joined);
        out = split(joined);
    }

  private:
    const RecordFields& f_;
    bool ok_ = false;
};

}  // namespace

RecordFields encode_anime(const udp::AnimeInfo& a) {
    return {{kFullMarker, "1"},
            {"aid", std::to_string(a.aid)},
            {"dateflags", std::to_string(a.dateflags)},
            {"year", a.year},
            {"type", a.type},
            {"romaji", a.romaji_title},
            {"kanji", a.kanji_title},
            {"english", a.english_title},
            {"other", a.other_title},
            {"short_names", join(a.short_names)},
            {"synonyms", join(a.synonyms)},
            {"episodes", std::to_string(a.episodes)},
            {"highest_episode", std::to_string(a.highest_episode)},
            {"special_count", std::to_string(a.special_count)},
            {"air_date", std::to_string(a.air_date)},
            {"end_date", std::to_string(a.end_date)},
            {"url", a.url},
            {"picname", a.picname},
            {"rating", std::to_string(a.rating)},
            {"vote_count", std::to_string(a.vote_count)},
            {"r18", a.is_18_restricted ? "1" : "0"},
            {"updated", std::to_string(a.date_record_updated)}};
}

std::optional<udp::AnimeInfo> decode_anime(const RecordFields& f) {
    Reader r(f);
    udp::AnimeInfo a;
    int64_t r18 = 0;
    r.number("aid", a.aid);
    r.number("dateflags", a.dateflags);
    r.text("year", a.year);
    r.text("type", a.type);
    r.text("romaji", a.romaji_title);
    r.text("kanji", a.kanji_title);
    r.text("english", a.english_title);
    r.text("other", a.other_title);
    r.list("short_names", a.short_names);
    r.list("synonyms", a.synonyms);
    r.number("episodes", a.episodes);
    r.number("highest_episode", a.highest_episode);
    r.number("special_count", a.special_count);
    r.number("air_date", a.air_date);
    r.number("end_date", a.end_date);
    r.text("url", a.url);
    r.text("picname", a.picname);
    r.number("rating", a.rating);
    r.number("vote_count", a.vote_count);
    r.number("r18", r18);
    r.number("updated", a.date_record_updated);
    a.is_18_restricted = r18 != 0;
    if (!r.ok() || a.aid <= 0) return std::nullopt;
    return a;
}

RecordFields encode_episode(const udp::EpisodeInfo& e) {
    return {{kFullMarker, "1"},
            {"eid", std::to_string(e.eid)},
            {"aid", std::to_string(e.aid)},
            {"length", std::to_string(e.length_minutes)},
            {"rating", std::to_string(e.rating)},
            {"votes", std::to_string(e.votes)},
            {"epno", e.epno},
            {"english", e.english_title},
            {"romaji", e.romaji_title},
            {"kanji", e.kanji_title},
            {"aired", std::to_string(e.aired)},
            {"type", std::to_string(e.type)}};
}

std::optional<udp::EpisodeInfo> decode_episode(const RecordFields& f) {
    Reader r(f);
    udp::EpisodeInfo e;
    r.number("eid", e.eid);
    r.number("aid", e.aid);
    r.number("length", e.length_minutes);
    r.number("rating", e.rating);
    r.number("votes", e.votes);
    r.text("epno", e.epno);
    r.text("english", e.english_title);
    r.text("romaji", e.romaji_title);
    r.text("kanji", e.kanji_title);
    r.number("aired", e.aired);
    r.number("type", e.type);
    if (!r.ok() || e.eid <= 0) return std::nullopt;
    return e;
}

RecordFields encode_group(const udp::GroupInfo& g) {
    std::string relations;
    for (const auto& rel : g.relations) {
        if (!relations.empty()) relations += ',';
        relations += std::to_string(rel.gid) + ':' + std::to_string(rel.type);
    }
    return {{kFullMarker, "1"},
            {"gid", std::to_string(g.gid)},
            {"rating", std::to_string(g.rating)},
            {"votes", std::to_string(g.votes)},
            {"anime_count", std::to_string(g.anime_count)},
            {"file_count", std::to_string(g.file_count)},
            {"name", g.name},
            {"short_name", g.short_name},
            {"irc_channel", g.irc_channel},
            {"irc_server", g.irc_server},
            {"url", g.url},
            {"picname", g.picname},
            {"founded", std::to_string(g.founded)},
            {"disbanded", std::to_string(g.disbanded)},
            {"dateflags", std::to_string(g.dateflags)},
            {"last_release", std::to_string(g.last_release)},
            {"last_activity", std::to_string(g.last_activity)},
            {"relations", relations}};
}

std::optional<udp::GroupInfo> decode_group(const RecordFields& f) {
    Reader r(f);
    udp::GroupInfo g;
    r.number("gid", g.gid);
    r.number("rating", g.rating);
    r.number("votes", g.votes);
    r.number("anime_count", g.anime_count);
    r.number("file_count", g.file_count);
    r.text("name", g.name);
    r.text("short_name", g.short_name);
    r.text("irc_channel", g.irc_channel);
    r.text("irc_server", g.irc_server);
    r.text("url", g.url);
    r.text("picname", g.picname);
    r.number("founded", g.founded);
    r.number("disbanded", g.disbanded);
    r.number("dateflags", g.dateflags);
    r.number("last_release", g.last_release);
    r.number("last_activity", g.last_activity);
    std::string relations;
    r.text("relations", relations);
    if (!r.ok() || g.gid <= 0) return std::nullopt;
    size_t start = 0;
    while (start < relations.size()) {
        size_t end = relations.find(',', start);
        if (end == std::string::npos) end = relations.size();
        const std::string item = relations.substr(start, end - start);
        const size_t colon = item.find(':');
        udp::GroupRelation rel;
        if (colon == std::string::npos) return std::nullopt;
        const auto a = std::from_chars(item.data(), item.data() + colon, rel.gid);
        const auto b =
            std::from_chars(item.data() + colon + 1, item.data() + item.size(), rel.type);
        if (a.ec != std::errc() || b.ec != std::errc()) return std::nullopt;
        g.relations.push_back(rel);
        start = end + 1;
    }
    return g;
}

RecordFields missing_record() {
    return {{"missing", "1"}};
}

bool is_missing_record(const RecordFields& f) {
    auto it = f.find("missing");
    return it != f.end() && it->second == "1";
}

}  // namespace anidb::client
