// ANIME, EPISODE and GROUP records (anidb/records.h) as the field maps the
// cache stores (cache::CacheDb::Record): one encoding for every reader and
// writer of those rows (MetadataLookup and the Identifier's fill-in).
// A row written by an older libanidb with only some fields, or one whose
// values do not read back, decodes as nullopt (a miss: AniDB is asked
// again). A "no such record" answer is stored as {"missing": "1"}.
// Pure functions, thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "anidb/records.h"

namespace anidb::client {

using RecordFields = std::map<std::string, std::string>;

RecordFields encode_anime(const udp::AnimeInfo& a);
RecordFields encode_episode(const udp::EpisodeInfo& e);
RecordFields encode_group(const udp::GroupInfo& g);
RecordFields missing_record();

std::optional<udp::AnimeInfo> decode_anime(const RecordFields& f);
std::optional<udp::EpisodeInfo> decode_episode(const RecordFields& f);
std::optional<udp::GroupInfo> decode_group(const RecordFields& f);
bool is_missing_record(const RecordFields& f);

}  // namespace anidb::client
