// Conversions between the AniDB records (src/anidb), the cache's stored
// answers and the client's AnimeInfo.
#pragma once

#include "anidb/records.h"
#include "cache/cache_db.h"
#include "client/types.h"

namespace anidb::client {

cache::CacheDb::FileAnswer to_cached_answer(const udp::FileInfo& f, int64_t now);
AnimeInfo from_file_info(const udp::FileInfo& f);
AnimeInfo from_cached_answer(const cache::CacheDb::FileAnswer& a);

}  // namespace anidb::client
