// The MyList lines AniDB answers with (docs/anidb-protocol.md, "MyList"): the entry line of
// 221 MYLIST and 310 FILE ALREADY IN MYLIST, and the per-anime summary line
// of 312 MULTIPLE MYLIST ENTRIES, decoded under the rules of
// record_fields.h. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace anidb::udp {

// MyList storage states (MYLISTADD state=, the entry's state field).
enum class MylistState : int { unknown = 0, internal = 1, external = 2, deleted = 3, remote = 4 };
inline constexpr int kMaxMylistState = 4;

// lid|fid|eid|aid|gid|date added|state|viewdate|storage|source|other|filestate
struct MylistEntry {
    int64_t lid = 0, fid = 0, eid = 0, aid = 0, gid = 0;
    int64_t date_added = 0;  // Unix time
    int64_t state = 0;       // MylistState
    int64_t viewdate = 0;    // Unix time; 0: not watched
    std::string storage, source;
    std::string other;  // may hold line breaks
    // 0 normal, 1 corrupted / bad CRC, 2 self-edited, 10 self-ripped, 11 DVD,
    // 12 VHS, 13 TV, 14 theaters, 15 streamed, 100 other.
    int64_t filestate = 0;

    bool watched() const { return viewdate > 0; }
};

// Episodes as the 312 line writes them: "1-12", "S1", "T1-T3".
struct EpisodeRange {
    char type = 0;  // 0 regular, else 'S', 'C', 'T', 'P' or 'O'
    int64_t first = 0, last = 0;
};
using EpisodeRanges = std::vector<EpisodeRange>;

struct GroupEpisodes {
    std::string group_short_name;
    EpisodeRanges episodes;
};

// anime title|episodes|eps unknown|eps on HDD|eps on CD|eps deleted|
// watched eps|group short name|eps for that group|...
struct MylistSummary {
    std::string anime_title;
    int64_t episodes = 0;
    EpisodeRanges unknown, on_hdd, on_cd, deleted, watched;
    std::vector<GroupEpisodes> groups;
};

// Errc::protocol for fewer than 12 fields, a field that is not a number in
// range, a lid or fid of 0, or a state above kMaxMylistState.
Result<MylistEntry> decode_mylist_entry(std::string_view line);
// Errc::protocol for fewer than 7 fields, a malformed range list, or a
// group without its episode field.
Result<MylistSummary> decode_mylist_summary(std::string_view line);

// "1-12,S1" -> ranges; nullopt when malformed (items are [SCTPO]?N or
// [SCTPO]?N-[SCTPO]?N of one type with first <= last, "S1-3" meaning
// "S1-S3"; spaces around items allowed).
std::optional<EpisodeRanges> parse_episode_ranges(std::string_view text);

}  // namespace anidb::udp
