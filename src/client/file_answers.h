// The FILE answer in its three forms: AniDB's record (src/anidb), the
// cache's stored answer and the client's AnimeInfo, and the conversions
// between them (used by the Identifier).
#pragma once

#include "anidb/records.h"
#include "cache/cache_db.h"
#include "client/types.h"

namespace anidb::client {

cache::CacheDb::FileAnswer to_cached_answer(const udp::FileInfo& f, int64_t now);
AnimeInfo from_file_info(const udp::FileInfo& f);
AnimeInfo from_cached_answer(const cache::CacheDb::FileAnswer& a);

}  // namespace anidb::client
