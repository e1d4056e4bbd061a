// CacheDb: hashes of local files, keyed by path + size + mtime + inode.
#include <ctime>

#include "cache/cache_db.h"
#include "cache/sqlite_connection.h"
#include "cache/transaction.h"

namespace anidb::cache {

namespace {

struct EntryRow {
    int64_t id = 0;
    FileIdentity identity;
};

// Columns read by read_entry: id, path, size, mtime_ns, inode, device.

// Same content as far as the file system tells: the path pins the file
// system, so the device number (which may change across reboots) is not
// compared here.
bool same_file_at_path(const FileIdentity& a, const FileIdentity& b) {
    return a.path == b.path && a.size == b.size && a.mtime_ns == b.mtime_ns && a.inode == b.inode;
}

EntryRow read_entry(const sql::Query& q) {
    EntryRow row;
    row.id = q.column_int64(0);
    row.identity.path = q.column_text(1);
    row.identity.size = q.column_u64(2);
    row.identity.mtime_ns = q.column_int64(3);
    row.identity.inode = q.column_u64(4);
    row.identity.device = q.column_u64(5);
    return row;
}

Result<std::optional<EntryRow>> entry_by_path(sql::Connection& conn, const std::string& path) {
    auto q = conn.query(
        "SELECT id, path, size, mtime_ns, inode, device FROM hash_entries WHERE path = ?1");
    if (!q) return q.error();
    auto row = q->bind(1, path).step();
    if (!row) return row.error();
    if (!*row) return std::optional<EntryRow>();
    return std::optional<EntryRow>(read_entry(*q));
}

// The newest entry for the same file (size, mtime, inode, device) under a
// different path: the file was renamed or moved there.
Result<std::optional<EntryRow>> entry_moved_from(sql::Connection& conn, const FileIdentity& id) {
    auto q = conn.query(
        "SELECT id, path, size, mtime_ns, inode, device FROM hash_entries"
        " WHERE size = ?1 AND mtime_ns = ?2 AND inode = ?3 AND device = ?4 AND path <> ?5"
        " ORDER BY updated_at DESC, id DESC LIMIT 1");
    if (!q) return q.error();
    auto row = q->bind_u64(1, id.size)
                   .bind(2, id.mtime_ns)
                   .bind_u64(3, id.inode)
                   .bind_u64(4, id.device)
                   .bind(5, id.path)
                   .step();
    if (!row) return row.error();
    if (!*row) return std::optional<EntryRow>();
    return std::optional<EntryRow>(read_entry(*q));
}

Result<std::map<int, std::string>> digests_of(sql::Connection& conn, int64_t entry_id) {
    auto q = conn.query("SELECT algorithm, digest FROM hash_digests WHERE entry_id = ?1");
    if (!q) return q.error();
    q->bind(1, entry_id);
    std::map<int, std::string> out;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) return out;
        out.emplace(static_cast<int>(q->column_int64(0)), q->column_text(1));
    }
}

Status delete_entry(sql::Connection& conn, int64_t entry_id) {
    auto q = conn.query("DELETE FROM hash_entries WHERE id = ?1");
    if (!q) return q.error();
    return q->bind(1, entry_id).run();
}

Result<int64_t> insert_entry(sql::Connection& conn, const FileIdentity& id) {
    auto q = conn.query(
        "INSERT INTO hash_entries (path, size, mtime_ns, inode, device, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id");
    if (!q) return q.error();
    auto row = q->bind(1, id.path)
                   .bind_u64(2, id.size)
                   .bind(3, id.mtime_ns)
                   .bind_u64(4, id.inode)
                   .bind_u64(5, id.device)
                   .bind(6, static_cast<int64_t>(std::time(nullptr)))
                   .step();
    if (!row) return row.error();
    const int64_t new_id = *row ? q->column_int64(0) : 0;
    if (!*row) return make_error(Errc::cache, "cache insert returned no id: " + conn.file());
    if (auto done = q->step(); !done) return done.error();  // finish the statement
    return new_id;
}

Status upsert_digest(sql::Connection& conn, int64_t entry_id, int algorithm,
                     const std::string& digest) {
    auto q = conn.query(
        "INSERT INTO hash_digests (entry_id, algorithm, digest) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (entry_id, algorithm) DO UPDATE SET digest = excluded.digest");
    if (!q) return q.error();
    return q->bind(1, entry_id).bind(2, int64_t{algorithm}).bind(3, digest).run();
}

// Moves the entry to id.path, or copies it when the old path still holds the
// same file (a hard link): both paths then hit.
Status take_over_entry(sql::Connection& conn, const EntryRow& old, const FileIdentity& id,
                       const std::map<int, std::string>& digests) {
    auto old_now = identify_file(old.identity.path);
    const bool old_still_there = old_now.ok() && old_now->size == id.size &&
                                 old_now->mtime_ns == id.mtime_ns && old_now->inode == id.inode &&
                                 old_now->device == id.device;
    if (!old_still_there) {
        auto q = conn.query("UPDATE hash_entries SET path = ?1, updated_at = ?2 WHERE id = ?3");
        if (!q) return q.error();
        return q->bind(1, id.path)
            .bind(2, static_cast<int64_t>(std::time(nullptr)))
            .bind(3, old.id)
            .run();
    }
    auto new_id = insert_entry(conn, id);
    if (!new_id) return new_id.error();
    for (const auto& [algorithm, digest] : digests) {
        if (Status s = upsert_digest(conn, *new_id, algorithm, digest); !s) return s;
    }
    return {};
}

enum class LookupOutcome { hit, miss, needs_write };

// The read-only lookup for one identity, inside a read transaction: the
// entry under id.path with its digests in one statement, and only when there
// is none, whether an entry elsewhere could be this file moved.
Result<LookupOutcome> look_up(sql::Connection& conn, const FileIdentity& id,
                              std::map<int, std::string>& digests) {
    auto q = conn.query(
        "SELECT e.size, e.mtime_ns, e.inode, d.algorithm, d.digest FROM hash_entries e"
        " LEFT JOIN hash_digests d ON d.entry_id = e.id WHERE e.path = ?1");
    if (!q) return q.error();
    q->bind_static(1, id.path);  // id outlives q
    bool found = false;
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        if (!found) {
            found = true;
            if (q->column_u64(0) != id.size || q->column_int64(1) != id.mtime_ns ||
                q->column_u64(2) != id.inode) {
                return LookupOutcome::needs_write;  // stale: delete it
            }
        }
        if (!q->column_is_null(3)) {
            digests.emplace(static_cast<int>(q->column_int64(3)), q->column_text(4));
        }
    }
    if (found) return LookupOutcome::hit;
    auto moved = entry_moved_from(conn, id);
    if (!moved) return moved.error();
    return *moved ? LookupOutcome::needs_write : LookupOutcome::miss;
}

}  // namespace

Result<std::optional<CacheDb::HashHit>> CacheDb::find_hashes(const FileIdentity& id) noexcept {
    using R = Result<std::optional<HashHit>>;
    return sql::guarded([&]() -> R {
        std::lock_guard lock(mutex_);
        // Fast path, read-only (the warm re-scan of a library): an exact hit
        // or a clean miss needs no write lock.
        std::map<int, std::string> found;
        auto outcome = sql::run_transaction(*conn_, sql::TxKind::read, [&] {
            found.clear();  // a retried attempt starts over
            return look_up(*conn_, id, found);
        });
        if (!outcome) return outcome.error();
        if (*outcome == LookupOutcome::hit) {
            return std::optional<HashHit>(HashHit{false, id.path, std::move(found)});
        }
        if (*outcome == LookupOutcome::miss) return std::optional<HashHit>();

        // Slow path: decide again under the write lock (another writer may
        // have changed things in between), drop a stale entry, re-key a move.
        return sql::run_transaction(*conn_, sql::TxKind::write, [&]() -> R {
            auto row = entry_by_path(*conn_, id.path);
            if (!row) return row.error();
            if (*row) {
                if (same_file_at_path((*row)->identity, id)) {
                    auto digests = digests_of(*conn_, (*row)->id);
                    if (!digests) return digests.error();
                    return std::optional<HashHit>(HashHit{false, id.path, std::move(*digests)});
                }
                if (Status s = delete_entry(*conn_, (*row)->id); !s) return s.error();
            }
            auto moved = entry_moved_from(*conn_, id);
            if (!moved) return moved.error();
            if (!*moved) return std::optional<HashHit>();
            auto digests = digests_of(*conn_, (*moved)->id);
            if (!digests) return digests.error();
            if (Status s = take_over_entry(*conn_, **moved, id, *digests); !s) return s.error();
            return std::optional<HashHit>(
                HashHit{true, (*moved)->identity.path, std::move(*digests)});
        });
    });
}

Status CacheDb::find_exact_hashes(std::span<const FileIdentity> ids,
                                  std::vector<Lookup>& out) noexcept {
    return sql::guarded([&]() -> Status {
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::read, [&]() -> Status {
            out.assign(ids.size(), Lookup{});  // a retried attempt starts over
            for (size_t i = 0; i < ids.size(); ++i) {
                auto outcome = look_up(*conn_, ids[i], out[i].digests);
                if (!outcome) return outcome.error();
                switch (*outcome) {
                    case LookupOutcome::hit:
                        out[i].state = Lookup::State::hit;
                        break;
                    case LookupOutcome::miss:
                        out[i].state = Lookup::State::miss;
                        break;
                    case LookupOutcome::needs_write:
                        out[i].state = Lookup::State::check;
                        out[i].digests.clear();
                        break;
                }
            }
            return {};
        });
    });
}

Status CacheDb::store_hashes(const FileIdentity& id,
                             const std::map<int, std::string>& digests) noexcept {
    return sql::guarded([&]() -> Status {
        if (id.path.empty() || id.path.front() != '/') {
            return make_error(Errc::invalid_parameter, "cache needs an absolute file path");
        }
        for (const auto& [algorithm, digest] : digests) {
            if (algorithm < 1 || algorithm > 5 || digest.empty()) {
                return make_error(Errc::invalid_parameter,
                                  "invalid hash algorithm or empty digest for the cache");
            }
        }
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::write, [&]() -> Status {
            auto row = entry_by_path(*conn_, id.path);
            if (!row) return row.error();
            int64_t entry_id = 0;
            if (*row && same_file_at_path((*row)->identity, id)) {
                entry_id = (*row)->id;
                auto q = conn_->query(
                    "UPDATE hash_entries SET device = ?1, updated_at = ?2 WHERE id = ?3");
                if (!q) return q.error();
                Status s = q->bind_u64(1, id.device)
                               .bind(2, static_cast<int64_t>(std::time(nullptr)))
                               .bind(3, entry_id)
                               .run();
                if (!s) return s;
            } else {
                if (*row) {
                    if (Status s = delete_entry(*conn_, (*row)->id); !s) return s;
                }
                auto inserted = insert_entry(*conn_, id);
                if (!inserted) return inserted.error();
                entry_id = *inserted;
            }
            for (const auto& [algorithm, digest] : digests) {
                if (Status s = upsert_digest(*conn_, entry_id, algorithm, digest); !s) return s;
            }
            return {};
        });
    });
}

}  // namespace anidb::cache
