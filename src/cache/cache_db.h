// CacheDb: the persistent cache of libanidb, one SQLite database file holding
// file hashes, AniDB answers and a little client state (other rooms keep
// their tables in the same file: side_tables.h).
//
// Ownership: CacheDb::open returns the sole owner of two SQLite connections:
// one for lookups and direct writes, one for the grouped stores below.
// Thread safety: every method may be called from several threads at once on
// one object (calls are serialised by an internal mutex; the group writer
// runs beside them on its own connection); several CacheDb
// objects, in one process or in several, may use the same file at once. A
// locked database is waited for and retried (BEGIN IMMEDIATE, busy timeout,
// back-off); "database is locked" reaches a caller only as Errc::busy after
// sql::kLockDeadline (30 s) of trying.
// Integrity: every row carries a checksum over all its columns
// (row_checksum.h), and values have their form checked (digests as the
// hasher writes them, ed2k keys, encoded fields) before anything is
// returned. A row that fails is treated as absent, reported to the
// ProblemListener, and replaced by the next store for its key: a damaged
// database gives misses, never wrong values.
// Grouped stores: store_hashes queues the entry and returns; a writer thread
// commits queued entries in one transaction per group (group_files entries,
// or group_window after the first, whichever comes first; store_queue.h).
// This object reads its own queued writes (a lookup of a queued path, stats,
// clear, vacuum and the destructor commit the queue first); other objects and
// processes see them once committed. A crash (kill -9) loses at most the
// entries not yet committed and never corrupts the file (WAL). A group that
// cannot be committed (disk full, I/O error, lock deadline) is reported to
// the ProblemListener with the paths it held; later stores go on.
// Errors: no method throws. SQLite failures come back as Errc::cache with a
// message naming the file (corrupt, full, not writable, I/O error);
// Errc::out_of_memory when an allocation fails; Errc::invalid_parameter for
// arguments the cache cannot store. A failed write leaves the database as it
// was before the call (each write is one transaction).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "cache/file_identity.h"
#include "common/error.h"
#include "common/result.h"

namespace anidb::cache {

namespace sql {
class Connection;
}
class StoreQueue;
struct PendingStore;

// Something the cache met that its caller should tell the user about,
// though no call failed because of it.
struct Problem {
    enum class Kind {
        corrupt_entry,  // a row failed its checksum or form check: treated as absent
        not_stored,     // a group of hash entries could not be committed
    };
    Kind kind = Kind::corrupt_entry;
    Error error;                     // Errc::cache and what happened
    std::vector<std::string> paths;  // the files concerned (hash entries), if any
};
// Called outside every lock of the CacheDb, on the thread that met the
// problem (a caller's, or the writer's for not_stored). It may call the
// CacheDb again. It must not throw.
using ProblemListener = std::function<void(const Problem&)>;

struct OpenOptions {
    // How long SQLite itself waits for a lock before each retry.
    int busy_timeout_ms = 10'000;
    // Caps the database at this many pages (PRAGMA max_page_count); 0 = no
    // cap. For tests of the disk-full path: writes beyond it fail like a full
    // disk (SQLITE_FULL). SQLite never lowers the cap below the current size.
    uint32_t max_page_count = 0;
    // Group commit of store_hashes: at most this many entries per
    // transaction, and no entry waits longer than group_window for its
    // transaction. group_files = 1 commits every store before it returns.
    size_t group_files = 4096;
    std::chrono::milliseconds group_window{50};
    ProblemListener on_problem;  // optional
};

// The key of ED2K's other ("blue") variant in the hash digests maps below,
// beside the algorithm numbers 1..5 (ed2k holds the default, red, variant).
// Kept only for a file whose size is a non-zero multiple of the ED2K chunk
// (hash::ed2k_variants_differ): the one read that gives ed2k gives both.
inline constexpr int kEd2kBlue = 6;

class CacheDb {
  public:
    // Opens or creates `db_file`, creating missing parent directories with
    // mode 0700, switches it to WAL, checks it is an anidb cache and migrates
    // its schema. Errc::cache when the file is corrupt ("cache database is
    // corrupt: <path>"), not an anidb cache, from a newer schema, or cannot be
    // created or written (message says why, e.g. permission denied). A
    // corrupt or foreign file is never deleted or overwritten.
    static Result<std::unique_ptr<CacheDb>> open(const std::filesystem::path& db_file,
                                                 const OpenOptions& options) noexcept;
    static Result<std::unique_ptr<CacheDb>> open(const std::filesystem::path& db_file) noexcept {
        return open(db_file, OpenOptions{});
    }
    ~CacheDb();
    CacheDb(const CacheDb&) = delete;
    CacheDb& operator=(const CacheDb&) = delete;

    const std::filesystem::path& file() const noexcept { return file_; }

    // --- Hashes of local files (algorithm numbers 1 ed2k, 2 crc32, 3 md5,
    // 4 sha1, 5 tth, and kEd2kBlue; digests as the hasher formats them,
    // hash::is_digest_text). For a chunk-multiple file, ed2k comes back only
    // with its kEd2kBlue: an entry without the blue value (stored before
    // schema 3) does not answer ED2K, so that the one read that completes it
    // gives both variants.
    struct HashHit {
        bool moved = false;       // found under another path (rename/move)
        std::string cached_path;  // the path the entry was stored under
        std::map<int, std::string> digests;
        // The entry for this path failed its integrity check: `digests` is
        // empty (nothing in it can be trusted), the problem was reported,
        // and the next store_hashes for the path replaces the entry.
        bool corrupt = false;
    };
    // An entry whose path, size, mtime and inode match `id` (the device may
    // differ: device numbers can change across reboots for the same path).
    // Otherwise an entry with the same size, mtime, inode and device under
    // another path: the file was moved, and the entry is re-keyed to
    // id.path (or copied, when the old path still holds the same file, e.g.
    // a hard link). A stale entry for id.path (size, mtime or inode changed)
    // does not match; the next store_hashes for the path replaces it.
    // nullopt when nothing matches; a HashHit with `corrupt` (and no
    // digests) when the entry under id.path is damaged and nothing else
    // matches.
    Result<std::optional<HashHit>> find_hashes(const FileIdentity& id) noexcept;
    // The read-only part of find_hashes for many files at once, in one read
    // transaction under one lock (a warm re-scan of a library: thousands of
    // exact hits). For ids[i], out[i] is `hit` with the digests when the entry
    // for that path matches exactly, `miss` when nothing matches (no entry
    // under the path, or a stale one, and none to take over), or `check` when
    // find_hashes must decide (a moved file to re-key or copy: a write).
    // On error nothing is known about any id; callers fall back to
    // find_hashes. `out` is replaced.
    // A damaged entry under the path is a miss with `corrupt` set.
    struct Lookup {
        enum class State { hit, miss, check } state = State::check;
        std::map<int, std::string> digests;  // hit only
        bool corrupt = false;
    };
    Status find_exact_hashes(std::span<const FileIdentity> ids, std::vector<Lookup>& out) noexcept;

    // Adds `digests` to the entry for `id`, keeping algorithms it already has
    // (a digest for the same algorithm is replaced); a stale or damaged
    // entry for id.path is replaced. Queued for the next group commit (see
    // above): ok means queued, or written when it could not be queued (no
    // memory for the queue under the library limit: then errors of the
    // write come back here). Errc::invalid_parameter for a relative path, an
    // algorithm outside 1..5 and kEd2kBlue, a digest not of its algorithm's
    // form, or a kEd2kBlue for a size where the ED2K variants are the same.
    Status store_hashes(const FileIdentity& id, const std::map<int, std::string>& digests) noexcept;
    // The same, taking the values over (no copy for the queue).
    Status store_hashes(FileIdentity&& id, std::map<int, std::string>&& digests) noexcept;
    // Commits every queued store now. The error of the last group written,
    // if it failed (it was also reported to the ProblemListener).
    Status flush() noexcept;

    // Empties every table of the cache's own schema (hashes, AniDB answers,
    // client state); the tables other components
    // keep in this file (src/titles, src/mylist, src/queue) are theirs:
    // Client::cache_clear decides what of them goes (docs/cache.md);
    // the schema stays.
    Status clear() noexcept;
    struct Stats {
        uint64_t hash_entries = 0;    // files with cached hashes
        uint64_t anidb_entries = 0;   // file answers + unknown files + records
        uint64_t database_bytes = 0;  // page_count * page_size + size of the -wal file
    };
    Result<Stats> stats() noexcept;
    // VACUUM, then a truncating WAL checkpoint, to give space back to the disk.
    Status vacuum() noexcept;

    // --- AniDB answers. Times are unix seconds. ed2k is stored and matched
    // in lower case.
    struct FileAnswer {
        uint64_t size = 0;
        std::string ed2k;
        uint64_t fid = 0, aid = 0, eid = 0, gid = 0;
        std::map<std::string, std::string> fields;  // any bytes round-trip
        int64_t fetched_at = 0;
    };
    // Also removes an "unknown file" entry for the same size+ed2k.
    Status store_file_answer(const FileAnswer& a) noexcept;
    Result<std::optional<FileAnswer>> find_file_answer(uint64_t size,
                                                       std::string_view ed2k) noexcept;
    // AniDB answered 320 NO SUCH FILE: do not ask again before retry_after.
    // Also removes a cached file answer for the same size+ed2k.
    Status store_unknown_file(uint64_t size, std::string_view ed2k, int64_t retry_after) noexcept;
    // retry_after of an "unknown file" entry, whether or not it has passed.
    Result<std::optional<int64_t>> find_unknown_file(uint64_t size, std::string_view ed2k) noexcept;

    struct Record {
        uint64_t id = 0;
        std::map<std::string, std::string> fields;
        int64_t fetched_at = 0;
    };
    enum class RecordKind { anime, episode, group };
    Status store_record(RecordKind kind, const Record& r) noexcept;
    Result<std::optional<Record>> find_record(RecordKind kind, uint64_t id) noexcept;

    // --- Small key/value client state, e.g. the session key, local port and
    // time of the last AUTH, so a new process can reuse a session. Stored in
    // plain text: NEVER put a password or other credential here.
    // Errc::invalid_parameter for an empty key.
    Status put_state(std::string_view key, std::string_view value) noexcept;
    Result<std::optional<std::string>> get_state(std::string_view key) noexcept;
    Status erase_state(std::string_view key) noexcept;  // ok if absent

    // --- For components that keep tables of their own in this database file
    // (src/titles): runs body(sql::Connection&) under this object's lock, so
    // they share the connection, the file checks of open() and the
    // transaction helpers (transaction.h) without a second connection. The
    // body creates and migrates its own tables (never the cache's, whose
    // schema is schema.cc's alone) and catches its own exceptions
    // (sql::guarded).
    template <typename Body>
    auto with_connection(Body&& body) -> std::invoke_result_t<Body&, sql::Connection&> {
        std::lock_guard lock(mutex_);
        return body(*conn_);
    }

  private:
    CacheDb(std::filesystem::path file, std::unique_ptr<sql::Connection> conn,
            std::unique_ptr<sql::Connection> writer, const OpenOptions& options);
    // Writes queued stores in one transaction on writer_conn_ (the
    // StoreQueue calls it for one group at a time).
    Status write_hash_group(std::span<const PendingStore> group) noexcept;
    // Commits queued stores first when one is for this file (by path, or by
    // identity under another path: a move).
    void settle(const FileIdentity& id) noexcept;
    void report(const Problem& problem) const noexcept;
    // Reports a row that failed its integrity check: "<what> <name>"; for a
    // hash entry, `file` is its path (Problem::paths).
    void report_corrupt(std::string_view what, std::string_view name,
                        std::string_view file = {}) const noexcept;

    std::filesystem::path file_;
    ProblemListener on_problem_;
    std::mutex mutex_;  // guards conn_ (its cached statements are not shareable)
    std::unique_ptr<sql::Connection> conn_;
    // Used only by write_hash_group, which the StoreQueue runs one at a time.
    std::unique_ptr<sql::Connection> writer_conn_;
    // Declared last: destroyed first, committing what it holds while the
    // connection is still there.
    std::unique_ptr<StoreQueue> queue_;
};

}  // namespace anidb::cache
