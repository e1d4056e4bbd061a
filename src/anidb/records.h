// The records AniDB answers with (FILE, ANIME, EPISODE, GROUP; the MyList
// lines are in mylist_records.h) as plain structs, and their decoding from data lines. Text
// fields meant for display have "<br />" and '`' turned back into newline
// and apostrophe; list fields are split on '\''. Empty or missing numeric
// fields are 0, missing text fields empty. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace anidb::udp {

struct FileInfo {
    int64_t fid = 0, aid = 0, eid = 0, gid = 0;
    int64_t lid = 0;    // MyList id, 0 when the file is not in the user's MyList
    int64_t state = 0;  // bit field: 1 CRC ok, 2 CRC err, 4/8/16/32 v2..v5, 64 unc, 128 cen
    uint64_t size = 0;
    std::string ed2k, md5, sha1, crc32;  // lower-case hex as AniDB sends them
    std::string quality, source;
    std::vector<std::string> audio_codecs;  // one per stream
    std::string video_codec, resolution, file_type;
    std::vector<std::string> dub_languages, sub_languages;
    int64_t length_seconds = 0;
    int64_t aired = 0;  // the episode's air date, Unix time; 0 unknown
    // Anime (FILE amask)
    int64_t anime_total_episodes = 0;
    std::string year, anime_type;
    std::string romaji_title, kanji_title, english_title;
    // Episode
    std::string epno, episode_english_title, episode_romaji_title, episode_kanji_title;
    // Group
    std::string group_name, group_short_name;
    // Set when size+ed2k matched several files (322): every matching fid;
    // the fields above describe the lowest one.
    std::vector<int64_t> all_fids;
};

struct AnimeInfo {
    int64_t aid = 0, dateflags = 0;
    std::string year, type;
    std::string romaji_title, kanji_title, english_title, other_title;
    std::vector<std::string> short_names, synonyms;
    int64_t episodes = 0, highest_episode = 0, special_count = 0;
    int64_t air_date = 0, end_date = 0;  // Unix time
    std::string url, picname;
    int64_t rating = 0, vote_count = 0;
    bool is_18_restricted = false;
    int64_t date_record_updated = 0;
};

struct EpisodeInfo {
    int64_t eid = 0, aid = 0, length_minutes = 0, rating = 0, votes = 0;
    std::string epno, english_title, romaji_title, kanji_title;
    int64_t aired = 0;  // Unix time
    int64_t type = 0;   // 1 regular, 2 special, 3 credits, 4 trailer, 5 parody, 6 other
};

// A relation of one group to another (GROUP's last field).
struct GroupRelation {
    int64_t gid = 0;
    int64_t type = 0;  // 1 participant in, 2 parent of, 4 merged from, 5 now known as, 6 other
};

struct GroupInfo {
    int64_t gid = 0, rating = 0, votes = 0, anime_count = 0, file_count = 0;
    std::string name, short_name, irc_channel, irc_server, url, picname;
    int64_t founded = 0, disbanded = 0, dateflags = 0, last_release = 0, last_activity = 0;
    std::vector<GroupRelation> relations;
};

// The fields our FILE request selects (full-length masks).
std::span<const std::string_view> file_request_fmask_fields();
std::span<const std::string_view> file_request_amask_fields();
// Their hex masks: 10 and 8 digits.
const std::string& file_request_fmask();
const std::string& file_request_amask();
// The fields our ANIME request selects, and its 14-digit amask.
std::span<const std::string_view> anime_request_amask_fields();
const std::string& anime_request_amask();

// Decodes a FILE (220) data line: fid first, then the fmask fields, then
// the amask fields, each in table order. Errors: Errc::protocol when the
// masks are invalid, the fid is missing or the line has fewer fields than
// the masks select (a cut reply; extra trailing fields are ignored).
Result<FileInfo> decode_file_line(std::string_view line, std::string_view fmask_hex,
                                  std::string_view amask_hex);
// Decodes an ANIME (230) line for the given amask (nothing prepended).
// Errors: Errc::protocol for bad masks, fewer fields than selected, or a
// numeric field that is not a number in range (record_fields.h).
Result<AnimeInfo> decode_anime_line(std::string_view line, std::string_view amask_hex);
// Decode the EPISODE (240) and GROUP (250) lines of docs/anidb-protocol.md ("ANIME,
// EPISODE and GROUP") under the rules of record_fields.h: Errc::protocol for a line with
// fewer fields than the record has, a number that is not one (or out of
// range), an episode type outside 1..6, or a malformed relation.
Result<EpisodeInfo> decode_episode_line(std::string_view line);
Result<GroupInfo> decode_group_line(std::string_view line);

}  // namespace anidb::udp
