// Client configuration as the C++ core sees it: the C config struct plus the
// named options of anidb_client_set_option and the ANIDB_* environment.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "titles/title_index.h"

namespace anidb::client {

// How identification uses the AniDB answers in the cache.
enum class AnswerCache {
    use,      // a fresh cached answer is used; AniDB is asked otherwise
    refresh,  // AniDB is always asked; its answer replaces the cached one
    off,      // AniDB is always asked; nothing is read from or stored in the cache
};

struct ClientConfig {
    std::filesystem::path cache_dir;  // empty: $XDG_DATA_HOME/anidb
    bool cache_enabled = true;
    size_t max_concurrent_files = 0;  // 0: one per core
    size_t chunk_size = 0;            // read buffer hint; 0: engine default
    uint64_t max_memory_usage = 0;    // 0: only the library-wide limit
    bool debug_logging = false;

    // AniDB (credentials are wiped when the client is destroyed)
    std::string username;
    std::string password;
    std::string api_key;
    bool encrypt = false;
    std::string client_name = "libanidb";
    std::string client_version = "1";
    std::string server_host = "api.anidb.net";
    uint16_t server_port = 9000;
    uint16_t local_port = 45678;
    // An unanswered request is resent after timeout_ms, then after twice
    // that, `retries` times, all within give_up_ms from its first packet;
    // then the no-answer back-off (anidb/cooldown.h) fails the rest at once.
    uint32_t timeout_ms = 15000;
    uint32_t retries = 2;
    uint32_t give_up_ms = 60000;
    double interval_scale = 1.0;  // honoured only for a loopback server
    uint32_t file_ttl_days = 30;
    uint32_t unknown_retry_hours = 24;
    AnswerCache answer_cache = AnswerCache::use;  // option "cache.answers"
    // Where AniDB's daily anime-titles dump is downloaded from (option
    // "titles.url", environment ANIDB_TITLES_URL): AniDB's own location
    // by default; a mirror, or a server on 127.0.0.1 in tests. http(s) only.
    std::string titles_url = titles::kDefaultTitlesUrl;

    // Files a batch reads at once from one device (option
    // "io.readers_per_device"); 0: as advised for the device (1 for a
    // spinning disk or a network/FUSE file system, 4 otherwise).
    size_t readers_per_device = 0;
    // Per path prefix ("io.readers_for_path" "PREFIX=N", N 0 removes the
    // rule): files under PREFIX share N readers; the longest prefix wins.
    std::vector<std::pair<std::string, size_t>> readers_by_prefix;

    // Applies ANIDB_SERVER, ANIDB_USERNAME, ANIDB_PASSWORD, ANIDB_CLIENT_NAME,
    // ANIDB_CLIENT_VERSION, ANIDB_LOCAL_PORT, ANIDB_TITLES_URL from the
    // environment where set (a malformed value is ignored).
    void apply_environment();
    // One named option (see anidb_client_set_option in anidb.h).
    Status set_option(std::string_view key, std::string_view value);
    Status set_readers_for_path(std::string_view value);  // "PREFIX=N"
    // The database file: cache_dir/anidb.db, or the XDG default.
    std::filesystem::path database_path() const;
    // Overwrites the secrets in place before they are released.
    void wipe_secrets() noexcept;
};

}  // namespace anidb::client
