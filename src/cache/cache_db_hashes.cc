// CacheDb: hashes of local files, keyed by path + size + mtime + inode, one
// row per file (hash_files) with a checksum over the whole row.
#include <ctime>
#include <utility>

#include "cache/cache_db.h"
#include "cache/row_checksum.h"
#include "cache/schema.h"
#include "cache/sqlite_connection.h"
#include "cache/store_queue.h"
#include "cache/transaction.h"
#include "hash/algorithm.h"
#include "hash/ed2k_chunks.h"

namespace anidb::cache {

namespace {

constexpr int kAlgorithms = 5;  // columns ed2k, crc32, md5, sha1, tth: algorithms 1..5

// Every column of a row, and whether its checksum holds (column 11).
#define HASH_ROW_COLUMNS                                                    \
    "id, path, size, mtime_ns, inode, device, ed2k, crc32, md5, sha1, tth," \
    " checksum = anidb_checksum('hash_files', " ANIDB_HASH_FILES_COLUMNS    \
    "), updated_at, ed2k_blue"
constexpr int kBlueColumn = 13;
constexpr int kPartColumn = 14;  // look_up's: under the path's key (0) or moved (1)
#define HASH_ROW_SELECT "SELECT " HASH_ROW_COLUMNS " FROM hash_files"

struct HashRow {
    int64_t id = 0;
    int64_t updated_at = 0;
    FileIdentity identity;
    std::map<int, std::string> digests;
    bool sound = false;  // checksum and every value's form check out
};

HashRow read_row(const sql::Query& q) {
    HashRow row;
    row.id = q.column_int64(0);
    row.identity.path = q.column_text(1);
    row.identity.size = q.column_u64(2);
    row.identity.mtime_ns = q.column_int64(3);
    row.identity.inode = q.column_u64(4);
    row.identity.device = q.column_u64(5);
    row.sound = !q.column_is_null(11) && q.column_int64(11) == 1;
    row.updated_at = q.column_int64(12);
    for (int a = 1; a <= kAlgorithms; ++a) {
        if (q.column_is_null(5 + a)) continue;
        std::string digest = q.column_text(5 + a);
        if (!hash::is_digest_text(static_cast<hash::Algorithm>(a), digest)) row.sound = false;
        row.digests.emplace(a, std::move(digest));
    }
    if (!q.column_is_null(kBlueColumn)) {
        std::string blue = q.column_text(kBlueColumn);
        if (!hash::ed2k_variants_differ(row.identity.size) ||
            !hash::is_digest_text(hash::Algorithm::ed2k, blue)) {
            row.sound = false;
        }
        row.digests.emplace(kEd2kBlue, std::move(blue));
    } else if (hash::ed2k_variants_differ(row.identity.size)) {
        // Stored before schema 3: ED2K is answered with both variants or not
        // at all (the read that completes the row gives both).
        row.digests.erase(static_cast<int>(hash::Algorithm::ed2k));
    }
    if (!row.sound) row.digests.clear();  // nothing in it is handed out
    return row;
}

// Same content as far as the file system tells: the path pins the file
// system, so the device number (which may change across reboots) is not
// compared here.
bool same_file_at_path(const FileIdentity& a, const FileIdentity& b) {
    return a.path == b.path && a.size == b.size && a.mtime_ns == b.mtime_ns && a.inode == b.inode;
}

// The row stored under `path`'s key, sound or not. A row whose path column
// is not `path` (another path with the same key, or a damaged index or
// row) is unsound: it is not this file's, and the next store replaces it.
Result<std::optional<HashRow>> row_by_path(sql::Connection& conn, const std::string& path) {
    auto q = conn.query(HASH_ROW_SELECT " WHERE path_key = ?1");
    if (!q) return q.error();
    auto found = q->bind(1, path_key(path)).step();
    if (!found) return found.error();
    if (!*found) return std::optional<HashRow>();
    HashRow row = read_row(*q);
    if (row.identity.path != path) {
        row.sound = false;
        row.digests.clear();
    }
    return std::optional<HashRow>(std::move(row));
}

// The newest sound entry for the same file (size, mtime, inode, device)
// under a different path: the file was renamed or moved there. (Newest by
// updated_at, then id, chosen here: an ORDER BY would set up a sorter for
// every lookup, and there is rarely more than one row per inode.)
Result<std::optional<HashRow>> row_moved_from(sql::Connection& conn, const FileIdentity& id) {
    auto q = conn.query(HASH_ROW_SELECT
                        " WHERE inode = ?1 AND size = ?2 AND mtime_ns = ?3 AND device = ?4"
                        " AND path <> ?5");
    if (!q) return q.error();
    q->bind_u64(1, id.inode).bind_u64(2, id.size).bind(3, id.mtime_ns).bind_u64(4, id.device);
    q->bind_static(5, id.path);
    std::optional<HashRow> newest;
    for (;;) {
        auto found = q->step();
        if (!found) return found.error();
        if (!*found) return newest;
        HashRow row = read_row(*q);
        if (row.sound && row.identity.size == id.size && row.identity.mtime_ns == id.mtime_ns &&
            row.identity.inode == id.inode && row.identity.device == id.device &&
            row.identity.path != id.path &&
            (!newest ||
             std::pair(row.updated_at, row.id) > std::pair(newest->updated_at, newest->id))) {
            newest = std::move(row);
        }
    }
}

// The columns and values of a hash row as put_row binds them.
#define HASH_ROW_VALUES                                                           \
    " INTO hash_files (" ANIDB_HASH_FILES_COLUMNS                                 \
    ", checksum) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13," \
    " anidb_checksum('hash_files', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13))"

enum class PutMode {
    replace,   // replaces whatever row has the path's key
    if_absent  // writes nothing when a row has the path's key
};

// Writes the row for id.path with its checksum. True when a row was written
// (if_absent: false when one was there).
Result<bool> put_row(sql::Connection& conn, const FileIdentity& id,
                     const std::map<int, std::string>& digests, PutMode mode) {
    auto q = conn.query(mode == PutMode::replace ? "INSERT OR REPLACE" HASH_ROW_VALUES
                                                 : "INSERT" HASH_ROW_VALUES
                                                   " ON CONFLICT (path_key) DO NOTHING");
    if (!q) return q.error();
    q->bind(1, path_key(id.path))
        .bind_static(2, id.path)
        .bind_u64(3, id.size)
        .bind(4, id.mtime_ns)
        .bind_u64(5, id.inode)
        .bind_u64(6, id.device)
        .bind(7, static_cast<int64_t>(std::time(nullptr)));
    for (int a = 1; a <= kEd2kBlue; ++a) {  // columns ed2k .. tth, ed2k_blue
        auto it = digests.find(a);
        if (it == digests.end()) {
            q->bind_null(7 + a);
        } else {
            q->bind_static(7 + a, it->second);
        }
    }
    if (Status s = q->run(); !s) return s.error();
    return conn.changes() > 0;
}

Status delete_row(sql::Connection& conn, int64_t row_id) {
    auto q = conn.query("DELETE FROM hash_files WHERE id = ?1");
    if (!q) return q.error();
    return q->bind(1, row_id).run();
}

// Moves the entry to id.path, or copies it when the old path still holds the
// same file (a hard link): both paths then hit.
Status take_over(sql::Connection& conn, const HashRow& old, const FileIdentity& id) {
    if (auto put = put_row(conn, id, old.digests, PutMode::replace); !put) return put.error();
    auto old_now = identify_file(old.identity.path);
    const bool old_still_there = old_now.ok() && old_now->size == id.size &&
                                 old_now->mtime_ns == id.mtime_ns && old_now->inode == id.inode &&
                                 old_now->device == id.device;
    return old_still_there ? Status{} : delete_row(conn, old.id);
}

enum class LookupOutcome { hit, miss, needs_write };

struct LookedUp {
    LookupOutcome outcome = LookupOutcome::miss;
    std::map<int, std::string> digests;  // hit
    bool corrupt = false;                // the row under the path was damaged
};

// The read-only lookup for one identity, inside a read transaction: the
// entry under id.path, and only when it does not answer, whether an entry
// elsewhere could be this file moved (taking it over writes).
Result<LookedUp> look_up(sql::Connection& conn, const FileIdentity& id) {
    // One statement for both questions (a first scan asks both for every
    // file): the rows under the path's key (part 0), then the same file
    // under other paths (part 1), which SQLite only reads if asked for.
    auto q = conn.query("SELECT " HASH_ROW_COLUMNS
                        ", 0 FROM hash_files WHERE path_key = ?1"
                        " UNION ALL SELECT " HASH_ROW_COLUMNS
                        ", 1 FROM hash_files"
                        " WHERE inode = ?2 AND size = ?3 AND mtime_ns = ?4 AND device = ?5"
                        " AND path <> ?6");
    if (!q) return q.error();
    q->bind(1, path_key(id.path))
        .bind_u64(2, id.inode)
        .bind_u64(3, id.size)
        .bind(4, id.mtime_ns)
        .bind_u64(5, id.device)
        .bind_static(6, id.path);
    LookedUp out;
    for (;;) {
        auto found = q->step();
        if (!found) return found.error();
        if (!*found) return out;
        HashRow row = read_row(*q);
        if (q->column_int64(kPartColumn) == 0) {  // under the path's key
            if (!row.sound || row.identity.path != id.path) {
                out.corrupt = true;
            } else if (same_file_at_path(row.identity, id)) {
                out.outcome = LookupOutcome::hit;
                out.digests = std::move(row.digests);
                return out;
            }
        } else if (row.sound && row.identity.size == id.size &&
                   row.identity.mtime_ns == id.mtime_ns && row.identity.inode == id.inode &&
                   row.identity.device == id.device && row.identity.path != id.path) {
            out.outcome = LookupOutcome::needs_write;  // moved: find_hashes takes it over
            return out;
        }
    }
}

Status check_storable(const FileIdentity& id, const std::map<int, std::string>& digests) {
    if (id.path.empty() || id.path.front() != '/') {
        return make_error(Errc::invalid_parameter, "cache needs an absolute file path");
    }
    for (const auto& [algorithm, digest] : digests) {
        const bool blue = algorithm == kEd2kBlue;
        if ((!blue && (algorithm < 1 || algorithm > kAlgorithms)) ||
            (blue && !hash::ed2k_variants_differ(id.size)) ||
            !hash::is_digest_text(
                blue ? hash::Algorithm::ed2k : static_cast<hash::Algorithm>(algorithm), digest)) {
            return make_error(Errc::invalid_parameter,
                              "invalid hash algorithm or digest for the cache");
        }
    }
    return {};
}

}  // namespace

void CacheDb::settle(const FileIdentity& id) noexcept {
    if (queue_ && queue_->holds(id)) static_cast<void>(queue_->flush());  // reported if it fails
}

Result<std::optional<CacheDb::HashHit>> CacheDb::find_hashes(const FileIdentity& id) noexcept {
    using R = Result<std::optional<HashHit>>;
    bool corrupt = false;
    R found = sql::guarded([&]() -> R {
        settle(id);
        std::lock_guard lock(mutex_);
        // Fast path, read-only (the warm re-scan of a library): an exact hit
        // or a clean miss needs no write lock.
        auto looked =
            sql::run_transaction(*conn_, sql::TxKind::read, [&] { return look_up(*conn_, id); });
        if (!looked) return looked.error();
        corrupt = looked->corrupt;
        if (looked->outcome == LookupOutcome::hit) {
            return std::optional<HashHit>(HashHit{false, id.path, std::move(looked->digests)});
        }
        if (looked->outcome == LookupOutcome::miss) {
            if (!corrupt) return std::optional<HashHit>();
            HashHit damaged;
            damaged.cached_path = id.path;
            damaged.corrupt = true;
            return std::optional<HashHit>(std::move(damaged));
        }
        // Slow path: decide again under the write lock (another writer may
        // have changed things in between), then re-key or copy the moved
        // entry to this path.
        return sql::run_transaction(*conn_, sql::TxKind::write, [&]() -> R {
            auto row = row_by_path(*conn_, id.path);
            if (!row) return row.error();
            if (*row && (*row)->sound && same_file_at_path((*row)->identity, id)) {
                return std::optional<HashHit>(HashHit{false, id.path, std::move((*row)->digests)});
            }
            auto moved = row_moved_from(*conn_, id);
            if (!moved) return moved.error();
            if (!*moved) return std::optional<HashHit>();
            if (Status s = take_over(*conn_, **moved, id); !s) return s.error();
            return std::optional<HashHit>(
                HashHit{true, (*moved)->identity.path, std::move((*moved)->digests)});
        });
    });
    if (corrupt) report_corrupt("hashes of", id.path, id.path);
    return found;
}

Status CacheDb::find_exact_hashes(std::span<const FileIdentity> ids,
                                  std::vector<Lookup>& out) noexcept {
    std::vector<std::string> damaged;
    Status looked = sql::guarded([&]() -> Status {
        for (const FileIdentity& id : ids) settle(id);
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::read, [&]() -> Status {
            out.assign(ids.size(), Lookup{});  // a retried attempt starts over
            damaged.clear();
            for (size_t i = 0; i < ids.size(); ++i) {
                auto one = look_up(*conn_, ids[i]);
                if (!one) return one.error();
                out[i].corrupt = one->corrupt;
                if (one->corrupt) damaged.push_back(ids[i].path);
                switch (one->outcome) {
                    case LookupOutcome::hit:
                        out[i].state = Lookup::State::hit;
                        out[i].digests = std::move(one->digests);
                        break;
                    case LookupOutcome::miss:
                        out[i].state = Lookup::State::miss;
                        break;
                    case LookupOutcome::needs_write:
                        out[i].state = Lookup::State::check;
                        break;
                }
            }
            return {};
        });
    });
    if (looked) {
        for (const std::string& path : damaged) report_corrupt("hashes of", path, path);
    }
    return looked;
}

Status CacheDb::store_hashes(const FileIdentity& id,
                             const std::map<int, std::string>& digests) noexcept {
    return sql::guarded([&]() -> Status {
        if (Status ok = check_storable(id, digests); !ok) return ok;
        if (digests.empty()) return {};
        return queue_->push(id, digests);
    });
}

Status CacheDb::store_hashes(FileIdentity&& id, std::map<int, std::string>&& digests) noexcept {
    return sql::guarded([&]() -> Status {
        if (Status ok = check_storable(id, digests); !ok) return ok;
        if (digests.empty()) return {};
        return queue_->push(std::move(id), std::move(digests));
    });
}

Status CacheDb::flush() noexcept {
    return queue_->flush();
}

Status CacheDb::write_hash_group(std::span<const PendingStore> group) noexcept {
    return sql::guarded([&]() -> Status {
        sql::Connection& conn = *writer_conn_;
        return sql::run_transaction(conn, sql::TxKind::write, [&]() -> Status {
            for (const PendingStore& store : group) {
                // A new file (the first scan) costs one statement.
                auto added = put_row(conn, store.id, store.digests, PutMode::if_absent);
                if (!added) return added.error();
                if (*added) continue;
                auto row = row_by_path(conn, store.id.path);
                if (!row) return row.error();
                // Algorithms stored before for the same file stay; a stale or
                // damaged row is replaced.
                std::map<int, std::string> merged;
                if (*row && (*row)->sound && same_file_at_path((*row)->identity, store.id)) {
                    merged = std::move((*row)->digests);
                }
                for (const auto& [algorithm, digest] : store.digests) {
                    merged.insert_or_assign(algorithm, digest);
                }
                if (auto put = put_row(conn, store.id, merged, PutMode::replace); !put) {
                    return put.error();
                }
            }
            return {};
        });
    });
}

}  // namespace anidb::cache
