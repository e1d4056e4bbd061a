#include "metadata_output.h"

#include <fmt/format.h>

#include "text_escape.h"
#include "time_text.h"

namespace anidb::cli {

namespace {

// "key: value", skipped when the value is empty; escaped.
void field(std::ostream& out, const char* key, const std::string& value) {
    if (value.empty()) return;
    out << key << ": " << printable(value) << '\n';
}

void number(std::ostream& out, const char* key, int64_t value) {
    if (value != 0) out << key << ": " << value << '\n';
}

void date(std::ostream& out, const char* key, int64_t value) {
    if (value > 0) out << key << ": " << local_date_text(value) << '\n';
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) {
        if (!out.empty()) out += ", ";
        out += s;
    }
    return out;
}

// AniDB ratings are x100 ("823" is 8.23).
std::string rating(int64_t value, int64_t votes) {
    return fmt::format("{}.{:02} ({} votes)", value / 100, value % 100, votes);
}

template <typename Record>
void origin(std::ostream& out, const client::Metadata<Record>& m) {
    out << "source: " << (m.from_cache ? "cache" : "AniDB") << ", fetched "
        << local_time_text(m.fetched_at) << ", kept until " << local_time_text(m.expires_at)
        << '\n';
}

}  // namespace

void print_anime(std::ostream& out, const client::Metadata<udp::AnimeInfo>& m) {
    const udp::AnimeInfo& a = m.record;
    out << "aid: " << a.aid << '\n';
    field(out, "title", a.romaji_title);
    field(out, "english", a.english_title);
    field(out, "kanji", a.kanji_title);
    field(out, "other", a.other_title);
    field(out, "short names", joined(a.short_names));
    field(out, "synonyms", joined(a.synonyms));
    field(out, "type", a.type);
    field(out, "year", a.year);
    number(out, "episodes", a.episodes);
    number(out, "specials", a.special_count);
    date(out, "aired", a.air_date);
    date(out, "ended", a.end_date);
    if (a.rating > 0) out << "rating: " << rating(a.rating, a.vote_count) << '\n';
    if (a.is_18_restricted) out << "restricted: 18+\n";
    field(out, "url", a.url);
    origin(out, m);
}

void print_episode(std::ostream& out, const client::Metadata<udp::EpisodeInfo>& m) {
    const udp::EpisodeInfo& e = m.record;
    out << "eid: " << e.eid << '\n' << "aid: " << e.aid << '\n';
    field(out, "episode", e.epno);
    field(out, "title", e.english_title);
    field(out, "romaji", e.romaji_title);
    field(out, "kanji", e.kanji_title);
    if (e.length_minutes > 0) out << "length: " << e.length_minutes << " min\n";
    date(out, "aired", e.aired);
    if (e.rating > 0) out << "rating: " << rating(e.rating, e.votes) << '\n';
    origin(out, m);
}

void print_group(std::ostream& out, const client::Metadata<udp::GroupInfo>& m) {
    const udp::GroupInfo& g = m.record;
    out << "gid: " << g.gid << '\n';
    field(out, "name", g.name);
    field(out, "short name", g.short_name);
    field(out, "irc", g.irc_channel.empty() ? std::string() : g.irc_channel + " " + g.irc_server);
    field(out, "url", g.url);
    number(out, "anime", g.anime_count);
    number(out, "files", g.file_count);
    if (g.rating > 0) out << "rating: " << rating(g.rating, g.votes) << '\n';
    date(out, "founded", g.founded);
    date(out, "disbanded", g.disbanded);
    date(out, "last release", g.last_release);
    origin(out, m);
}

}  // namespace anidb::cli
