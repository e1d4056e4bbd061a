// anidb::titles::TitleIndex — offline anime title search over AniDB's daily
// titles dump, kept in the cache database file.
//
//   auto index = TitleIndex::open(db_file);                 // or open(shared CacheDb)
//   (*index)->refresh(kDefaultTitlesUrl, unix_now, stop);   // at most one request per 24 h
//   auto found = (*index)->search("cowboy bebop", "", 20);  // local, ranked
//
// Where the titles come from: `refresh` downloads the gzip dump over HTTP(S)
// (the URL is the caller's configuration; tests serve one on 127.0.0.1),
// checks every line (dump_parser.h) and replaces the stored titles in one
// transaction; a failed, partial, cancelled or damaged download leaves the
// stored titles as they were. AniDB's 24 h rule is refresh_policy.h's.
//
// Ownership: open() returns the sole owner of the index. The index shares
// the CacheDb it is given (or owns the one it opens). Everything returned is a
// plain value the caller owns.
// Thread safety: every member may be called from several threads at once.
// Calls are serialised on the CacheDb's lock, except refresh's download,
// which runs unlocked (searches go on meanwhile, on the old titles). Several
// processes may share the file: the right to send a request is claimed in a
// write transaction, so two of them never both download within 24 h.
// Errors: no member throws; each returns an anidb::Error whose code says what
// failed (listed per member) and whose message says why.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "titles/dump_import.h"
#include "titles/http_download.h"
#include "titles/refresh_policy.h"
#include "titles/title_ranking.h"
#include "titles/title_types.h"

namespace anidb::cache {
class CacheDb;
}

namespace anidb::titles {

class TitleFolder;

// AniDB's published location of the dump.
inline constexpr const char* kDefaultTitlesUrl = "https://anidb.net/api/anime-titles.dat.gz";

inline constexpr size_t kDefaultSearchLimit = 20;
inline constexpr size_t kMaxSearchLimit = 1000;
inline constexpr size_t kMaxQueryBytes = 1024;

struct RefreshOptions {
    // Ask even though the stored titles are younger than max_age; and, when no
    // usable titles are stored, even within 24 h of the last request.
    bool force = false;
    // Stored titles confirmed within this time are kept without asking.
    // Whatever it says, the 24 h rule holds.
    std::chrono::seconds max_age = kMinRequestInterval;
    HttpLimits http;
    DumpLimits dump;
};

// What is stored after a call.
struct TitleCounts {
    uint64_t titles = 0;
    uint64_t anime = 0;
    uint64_t rejected_lines = 0;  // lines of the stored dump that failed validation
};

struct RefreshResult {
    enum class Outcome {
        updated,       // downloaded and stored
        not_modified,  // asked conditionally; the server said 304, titles kept
        up_to_date,    // not asked: the stored titles are younger than max_age
        too_soon,      // not asked: the last request was less than 24 h ago
    } outcome = Outcome::up_to_date;
    int64_t next_request_at = 0;  // earliest unix time the 24 h rule allows a request
    TitleCounts stored;
};

struct TitleMatch {
    uint64_t aid = 0;
    std::string main_title;  // the anime's main title (the matching title if it has none)
    std::string title;       // the title that matched
    TitleType type = TitleType::primary;
    std::string lang;
    MatchKind kind = MatchKind::exact;
    int score = 0;  // title_ranking.h: higher is better, comparable within one search
};

struct SearchResult {
    std::vector<TitleMatch> matches;  // one per anime, best first
    // Stored rows that failed their form check on the way (a damaged
    // database): left out of the matches. verify() and a forced refresh repair.
    uint64_t corrupt_rows = 0;
};

struct TitleIndexStatus {
    TitleCounts stored;
    int64_t imported_at = 0;      // when the stored titles were written (0: never)
    int64_t confirmed_at = 0;     // last 200 or 304 from the server, or local import
    int64_t last_request_at = 0;  // last request sent (0: never)
    int64_t next_request_at = 0;  // earliest time the 24 h rule allows another
    std::string source_url;       // where the stored titles came from ("" after import_dump)
    uint64_t dump_bytes = 0;      // size of the gzip data they came from
};

class TitleIndex {
  public:
    // Opens (creating if needed) the cache database `db_file` with
    // CacheDb::open and adds the title tables if missing (title_schema.h).
    // Errors: those of CacheDb::open (Errc::cache, invalid_parameter), and
    // Errc::cache when the title tables come from a newer libanidb or
    // SQLite lacks FTS5.
    static Result<std::unique_ptr<TitleIndex>> open(const std::filesystem::path& db_file) noexcept;
    // The same over an open cache (shared with, e.g., a client).
    // Errc::invalid_parameter for a null `db`.
    static Result<std::unique_ptr<TitleIndex>> open(std::shared_ptr<cache::CacheDb> db) noexcept;
    ~TitleIndex();
    TitleIndex(const TitleIndex&) = delete;
    TitleIndex& operator=(const TitleIndex&) = delete;

    // Downloads and stores the dump from `url` if refresh_policy.h allows it
    // at `now` (unix seconds). Sends If-None-Match / If-Modified-Since when
    // the stored titles came from the same URL. Errors: invalid_parameter
    // (URL, now <= 0, negative max_age, a zero limit), those of http_get
    // (cancelled, timeout, network, server_error, protocol), protocol (a
    // damaged dump or one over a DumpLimits bound), out_of_memory, cache.
    // After any error the stored titles are unchanged; a request that was
    // sent still counts for the 24 h rule, a call refused for its arguments
    // or stopped before sending spends nothing.
    Result<RefreshResult> refresh(std::string_view url, int64_t now, std::stop_token stop = {},
                                  const RefreshOptions& options = {}) noexcept;

    // Replaces the stored titles with a dump the caller already has (gzip
    // bytes, e.g. a file downloaded by hand), with the same checks as
    // refresh, and marks them confirmed at `now`. Sends nothing and leaves
    // the 24 h clock alone. Errors: invalid_parameter (now <= 0), protocol,
    // out_of_memory, cancelled, cache.
    Result<TitleCounts> import_dump(std::span<const uint8_t> gzip_bytes, int64_t now,
                                    std::stop_token stop = {},
                                    const DumpLimits& limits = {}) noexcept;

    // The stored titles matching `text`, case- and accent-insensitive, over
    // every title type and language, one match per anime, ranked as
    // title_ranking.h says; only titles in language `lang` when it is not
    // empty (AniDB's codes: "en", "x-jat", "ja", ...; ASCII case ignored).
    // No titles stored: an empty result (status() tells). Errors:
    // invalid_utf8 (`text`), invalid_parameter (text over kMaxQueryBytes or
    // without letters or digits, a malformed `lang`, limit 0 or over
    // kMaxSearchLimit), cache.
    Result<SearchResult> search(std::string_view text, std::string_view lang = {},
                                size_t limit = kDefaultSearchLimit) noexcept;

    // What is stored and when the next request is allowed (`now`: unix
    // seconds). Errors: cache.
    Result<TitleIndexStatus> status(int64_t now) noexcept;

    // Reads every stored title and checks it against the stored count and
    // checksum, and FTS5's own index check. Ok for a sound (or empty) index;
    // Errc::cache "stored titles are damaged: ..." otherwise; cancelled.
    Status verify(std::stop_token stop = {}) noexcept;

  private:
    TitleIndex(std::shared_ptr<cache::CacheDb> db, std::unique_ptr<TitleFolder> folder);
    Result<bool> usable_dump(uint64_t expected_titles, bool full, const std::stop_token& stop);
    // nullopt when the stored titles are sound (or none), else what is wrong.
    Result<std::optional<std::string>> find_damage(const std::stop_token& stop);
    Status store_dump(PreparedDump& dump, int64_t now, std::string_view url,
                      const HttpValidators& validators, const std::stop_token& stop);
    Result<TitleCounts> stored_counts();

    std::shared_ptr<cache::CacheDb> db_;
    std::unique_ptr<TitleFolder> folder_;
};

}  // namespace anidb::titles
