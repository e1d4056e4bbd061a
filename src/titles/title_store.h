// Reads and writes of the title tables (title_schema.h) over a connection the
// caller holds (CacheDb::with_connection). Each function is one transaction,
// retried while the database is locked; none throws (sql::guarded is the
// caller's).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "cache/sqlite_connection.h"
#include "titles/http_download.h"
#include "titles/title_types.h"

namespace anidb::titles {

// What the meta table says about the stored dump. Unreadable values read as
// 0 / empty (they come from a file on disk).
struct DumpMeta {
    int64_t last_request_at = 0;  // unix seconds of the last request sent
    int64_t confirmed_at = 0;     // last 200 or 304 (or local import)
    int64_t imported_at = 0;      // when the stored titles were written
    std::string source_url;       // where they came from ("" for a local import)
    HttpValidators validators;    // of that response, for the next conditional request
    uint64_t title_count = 0;
    uint64_t anime_count = 0;
    uint64_t checksum = 0;    // CRC-32 of the rows, see titles_checksum
    uint64_t dump_bytes = 0;  // size of the gzip data they came from
    uint64_t rejected_lines = 0;
};

// A title ready to be stored: the record and its folded form.
struct IndexedTitle {
    TitleRecord record;
    std::string folded;
};

// A row read back for ranking; already checked for form.
struct StoredTitle {
    int64_t id = 0;
    uint64_t aid = 0;
    TitleType type = TitleType::primary;
    std::string lang;
    std::string title;
    std::string folded;
};

// The CRC-32 the meta checksum holds: over "aid|type|lang|title\n" of every
// row in id order. One function for writing and checking.
uint32_t extend_titles_checksum(uint32_t crc, const TitleRecord& r) noexcept;

Result<DumpMeta> read_meta(cache::sql::Connection& conn);

// Claims the right to send a request at `now`: in one write transaction,
// re-reads the meta (another process may have just sent one), asks
// `still_allowed(meta)` and, when it says yes, stores last_request_at = now.
// True when the claim was made.
Result<bool> claim_request(cache::sql::Connection& conn, int64_t now,
                           const std::function<bool(const DumpMeta&)>& still_allowed);

// Records a 304: the stored titles are current as of `confirmed_at`; new
// validators (when the answer carried any) replace the stored ones.
Status store_confirmation(cache::sql::Connection& conn, int64_t confirmed_at,
                          const HttpValidators& validators);

// Replaces every stored title with `titles` (already in rank order: row i
// gets id i + 1) and the meta with `meta`, in one transaction: a failure or a
// stop request leaves the previous titles as they were (Errc::cancelled).
Status replace_titles(cache::sql::Connection& conn, std::span<const IndexedTitle> titles,
                      const DumpMeta& meta, const std::stop_token& stop);

// Candidate rows for a search, best first (by id), at most `cap`, in the
// language `lang` (any when empty, ASCII case-insensitive). Rows failing the
// form check are left out and counted in `corrupt`. Runs inside the caller's
// read transaction (one snapshot for the whole search), as does
// find_main_title.
enum class CandidateSource {
    folded_prefix,  // folded >= query and < query + 0xFF: exact and prefix matches
    words,          // FTS5 MATCH on the words index (`pattern` is a MATCH expression)
    trigrams,       // LIKE '%query%' through the trigram index
};
Result<std::vector<StoredTitle>> find_candidates(cache::sql::Connection& conn,
                                                 CandidateSource source, std::string_view pattern,
                                                 std::string_view lang, size_t cap,
                                                 uint64_t& corrupt);

// The main (type 1) title of `aid`, or "" when it has none or it fails the
// form check.
Result<std::string> find_main_title(cache::sql::Connection& conn, uint64_t aid);

struct StoredCounts {
    uint64_t titles = 0;
    uint32_t checksum = 0;
    uint64_t bad_rows = 0;  // rows failing the form check
};
// Reads every row (for verify): count, checksum and form.
Result<StoredCounts> scan_titles(cache::sql::Connection& conn, const std::stop_token& stop);
// FTS5's own check that both indexes agree with the rows.
Status check_indexes(cache::sql::Connection& conn);
// SELECT count(*) — the cheap half of "is there a usable dump".
Result<uint64_t> count_titles(cache::sql::Connection& conn);

}  // namespace anidb::titles
