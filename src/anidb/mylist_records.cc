#include "anidb/mylist_records.h"

#include <optional>

#include "anidb/codec.h"
#include "anidb/record_fields.h"
#include "anidb/server_text.h"

namespace anidb::udp {
namespace {

// Most groups kept of a 312 line (each adds two fields).
constexpr size_t kMaxSummaryGroups = 64;

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

bool is_type_letter(char c) {
    return c == 'S' || c == 'C' || c == 'T' || c == 'P' || c == 'O';
}

// "[SCTPO]?digits" -> (type, number).
std::optional<std::pair<char, int64_t>> parse_episode(std::string_view s) {
    char type = 0;
    if (!s.empty() && is_type_letter(s.front())) {
        type = s.front();
        s.remove_prefix(1);
    }
    if (s.empty()) return std::nullopt;
    auto n = parse_field_number(s, kMaxInt4);
    if (!n) return std::nullopt;
    return std::make_pair(type, *n);
}

}  // namespace

std::optional<EpisodeRanges> parse_episode_ranges(std::string_view text) {
    EpisodeRanges out;
    text = trim(text);
    if (text.empty()) return out;
    while (true) {
        const size_t comma = text.find(',');
        const std::string_view item = trim(text.substr(0, comma));
        const size_t dash = item.find('-');
        auto first = parse_episode(item.substr(0, dash));
        auto last = dash == std::string_view::npos ? first : parse_episode(item.substr(dash + 1));
        // "S1-3" is read as "S1-S3".
        if (first && last && dash != std::string_view::npos && last->first == 0)
            last->first = first->first;
        if (!first || !last || first->first != last->first || first->second > last->second)
            return std::nullopt;
        if (out.size() < kMaxListElements * 4)
            out.push_back({first->first, first->second, last->second});
        if (comma == std::string_view::npos) break;
        text = text.substr(comma + 1);
    }
    return out;
}

Result<MylistEntry> decode_mylist_entry(std::string_view line) {
    LineReader r("MyList entry", line, 12);
    MylistEntry e;
    e.lid = r.number(0, "lid");
    e.fid = r.number(1, "fid");
    e.eid = r.number(2, "eid");
    e.aid = r.number(3, "aid");
    e.gid = r.number(4, "gid");
    e.date_added = r.date(5, "date");
    e.state = r.number(6, "state", kMaxMylistState);
    e.viewdate = r.date(7, "viewdate");
    e.storage = r.text(8);
    e.source = r.text(9);
    e.other = r.note(10);
    e.filestate = r.number(11, "filestate");
    if (Status s = r.status(); !s) return s.error();
    if (e.lid <= 0 || e.fid <= 0)
        return make_error(Errc::protocol, "MyList entry has no lid or fid");
    return e;
}

Result<MylistSummary> decode_mylist_summary(std::string_view line) {
    LineReader r("MyList summary", line, 7);
    MylistSummary m;
    m.anime_title = r.text(0);
    m.episodes = r.number(1, "episodes");
    const auto ranges = [&r](size_t i, const char* name, EpisodeRanges& out) {
        auto parsed = parse_episode_ranges(r.field(i));
        if (!parsed) {
            r.fail(std::string("field ") + name + " is not a list of episodes: \"" +
                   safe_text(r.field(i), 40) + "\"");
            return;
        }
        out = std::move(*parsed);
    };
    ranges(2, "eps unknown", m.unknown);
    ranges(3, "eps on HDD", m.on_hdd);
    ranges(4, "eps on CD", m.on_cd);
    ranges(5, "eps deleted", m.deleted);
    ranges(6, "watched eps", m.watched);
    // Then pairs of group short name and its episodes; a trailing empty
    // field (a final '|') is tolerated.
    size_t i = 7;
    while (i < r.size()) {
        if (i + 1 >= r.size()) {
            if (!r.field(i).empty()) r.fail("has a group without its episodes");
            break;
        }
        GroupEpisodes g;
        g.group_short_name = r.text(i);
        ranges(i + 1, "group episodes", g.episodes);
        if (m.groups.size() < kMaxSummaryGroups) m.groups.push_back(std::move(g));
        i += 2;
    }
    if (Status s = r.status(); !s) return s.error();
    return m;
}

}  // namespace anidb::udp
