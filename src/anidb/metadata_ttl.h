// How long an ANIME, EPISODE or GROUP answer may be used before AniDB is
// asked again (docs/mylist-and-metadata.md, "How long metadata is kept").
//
// AniDB asks clients to cache heavily: its API pages warn that requesting
// the same data several times a day can get a client banned, and the UDP
// spec that asking for the same data more than once a week or month may be
// banned. So no record is asked for more than once a week, and records that
// no longer change are kept a month:
//
//   anime    7 days while airing, 30 days once it has ended (the "ended"
//            date flag, or an end date more than a week past)
//   episode  7 days until a week after it aired (titles and lengths are
//            filled in around then), 30 days after
//   group    30 days (names and links rarely change)
//   none     3 days for 330 / 340 / 350 (no such anime, episode, group):
//            new entries appear on AniDB within days
//
// Pure functions of the record and the time, thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

#include "anidb/records.h"

namespace anidb::udp {

inline constexpr std::chrono::days kChangingRecordTtl{7};
inline constexpr std::chrono::days kSettledRecordTtl{30};
inline constexpr std::chrono::days kMissingRecordTtl{3};
// ANIME dateflags bit 4: the anime has ended.
inline constexpr int64_t kAnimeEndedFlag = 1 << 4;

// `now` is Unix time.
std::chrono::seconds anime_ttl(const AnimeInfo& anime, int64_t now);
std::chrono::seconds episode_ttl(const EpisodeInfo& episode, int64_t now);
std::chrono::seconds group_ttl(const GroupInfo& group);

}  // namespace anidb::udp
