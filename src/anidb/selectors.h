// What a command is about: the selectors of MYLIST, MYLISTADD, MYLISTDEL,
// ANIME, EPISODE and GROUP (docs/anidb-protocol.md, "ANIME, EPISODE and GROUP", "MyList"), one
// alternative per form the protocol offers, so a request can only name a thing one way. Each
// add_selector checks the values (a positive id, a 32-digit ED2K, a name of
// valid UTF-8 without control characters) and appends the parameters to the
// command; Errc::invalid_parameter otherwise, and nothing is appended.
// Value types, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "anidb/codec.h"
#include "common/result.h"

namespace anidb::udp {

// Longest anime or group name sent (AniDB titles are far shorter; a request
// must fit one 1400-byte datagram with its other parameters).
inline constexpr size_t kMaxNameBytes = 512;

struct MylistId {
    int64_t lid = 0;
};
struct FileId {
    int64_t fid = 0;
};
// A file by its size and ED2K hash. A MyList entry line carries no size or
// hash, so a MyList reply to this selector can be checked against the file
// only when its fid is known: set expected_fid then (e.g. from a cached FILE
// answer) and a reply about another fid is refused.
struct FileHash {
    uint64_t size = 0;
    std::string ed2k;  // 32 hex digits, sent lower case
    std::optional<int64_t> expected_fid;
};
using FileRef = std::variant<FileId, FileHash>;

struct AnimeId {
    int64_t aid = 0;
};
// AniDB matches a name exactly against an anime's titles (romaji, kanji,
// English, other, short names, synonyms) or a group's name or short name.
struct AnimeName {
    std::string name;
};
using AnimeRef = std::variant<AnimeId, AnimeName>;

struct GroupId {
    int64_t gid = 0;
};
struct GroupName {
    std::string name;
};
using GroupRef = std::variant<GroupId, GroupName>;

struct EpisodeId {
    int64_t eid = 0;
};
// An episode by its anime and number: "3" or "03" for a regular episode, a
// letter for the others ("S1" special, "C1" credits, "T1" trailer, "P1"
// parody, "O1" other).
struct AnimeEpisode {
    AnimeRef anime;
    std::string epno;
};
using EpisodeRef = std::variant<EpisodeId, AnimeEpisode>;

// One MyList entry: by its MyList id, by file id, or by file size+ED2K.
using MylistEntryRef = std::variant<MylistId, FileId, FileHash>;

// MYLIST's anime form: every entry of an anime, or only one group's entries
// for one (regular) episode.
struct GroupEpisode {
    GroupRef group;
    int64_t epno = 0;  // > 0
};
struct AnimeEntries {
    AnimeRef anime;
    std::optional<GroupEpisode> only;
};
using MylistQuery = std::variant<MylistId, FileId, FileHash, AnimeEntries>;

// MYLISTDEL's anime form, narrowed to what cannot surprise: ids only (a
// name is matched by the server and cannot be checked in a reply that
// carries only a count) and one group's files of one regular episode. AniDB
// also takes an anime alone (every entry of the anime, all groups) or a
// name; libanidb does not send those.
struct AnimeGroupEpisode {
    AnimeId anime;
    GroupId group;
    int64_t epno = 0;  // > 0
};
using MylistRemoveRef = std::variant<MylistId, FileId, FileHash, AnimeGroupEpisode>;

// Appends the selector's parameters (aid= or aname=, ...).
Status add_selector(Command& c, const AnimeRef& anime);
Status add_selector(Command& c, const GroupRef& group);
Status add_selector(Command& c, const EpisodeRef& episode);
Status add_selector(Command& c, const FileRef& file);
Status add_selector(Command& c, const MylistEntryRef& entry);
Status add_selector(Command& c, const MylistQuery& query);
Status add_selector(Command& c, const MylistRemoveRef& entry);

// "MyList entry 5000001", "file 424242", "anime \"Cowboy Bebop\"": for
// error messages (names escaped).
std::string describe(const MylistEntryRef& entry);
std::string describe(const MylistQuery& query);
std::string describe(const MylistRemoveRef& entry);
std::string describe(const AnimeRef& anime);
std::string describe(const GroupRef& group);
std::string describe(const EpisodeRef& episode);

// An episode number as AniDB writes it, normalised for comparison: the
// type letter upper case, leading zeros dropped ("03" -> "3", "s01" ->
// "S1"). nullopt when `epno` is not [SCTPO]?digits with a positive number.
std::optional<std::string> normalize_epno(std::string_view epno);

// A name compared the way AniDB's exact title match is taken here: ASCII
// case folded, and the server's escaping applied ('\'' and '`' alike, '|'
// as '/'), so an asked name equals the same title read back from a reply.
std::string comparable_name(std::string_view name);

}  // namespace anidb::udp
