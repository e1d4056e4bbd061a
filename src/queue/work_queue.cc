#include "queue/work_queue.h"

#include <sqlite3.h>

#include <ctime>

#include "anidb/record_fields.h"
#include "anidb/server_text.h"
#include "cache/cache_db.h"
#include "cache/transaction.h"
#include "queue/claim_owner.h"
#include "queue/coalescing.h"
#include "queue/job_codec.h"
#include "queue/queue_rows.h"
#include "queue/queue_schema.h"

namespace anidb::queue {

namespace sql = cache::sql;

namespace {

// Longest detail kept with a job.
constexpr size_t kMaxDetail = 300;

Status check_time(int64_t t, const char* what) {
    if (t >= 0 && t <= udp::kMaxUnixTime) return {};
    return make_error(Errc::invalid_parameter, std::string(what) + " out of range");
}

std::string select_sql(const char* rest) {
    return std::string("SELECT ") + rows::kColumns + " FROM work_queue " + rest;
}

// The file's last pending job (if readable) and a waiting identify.
Result<std::optional<TailJob>> find_tail(sql::Connection& conn, const FileKey& file) {
    const std::string text = select_sql(
        "WHERE file_size = ?1 AND file_ed2k = ?2 AND state = 0 ORDER BY id DESC LIMIT 1");
    auto q = conn.query(text.c_str());
    if (!q) return q.error();
    auto row = q->bind_u64(1, file.size).bind(2, file.ed2k).step();
    if (!row) return row.error();
    if (!*row) return std::optional<TailJob>();
    rows::Stored stored;
    auto job = rows::read_job(*q, stored);
    if (!job) return std::optional<TailJob>();  // unreadable: never merged into
    return std::optional<TailJob>(TailJob{job->id, job->spec, stored.owner.has_value()});
}

Result<std::optional<int64_t>> find_waiting_identify(sql::Connection& conn, const FileKey& file) {
    auto q = conn.query(
        "SELECT id FROM work_queue WHERE file_size = ?1 AND file_ed2k = ?2 AND state = 0"
        " AND kind = ?3 AND owner IS NULL ORDER BY id LIMIT 1");
    if (!q) return q.error();
    auto row = q->bind_u64(1, file.size)
                   .bind(2, file.ed2k)
                   .bind(3, static_cast<int64_t>(JobKind::identify))
                   .step();
    if (!row) return row.error();
    if (!*row) return std::optional<int64_t>();
    return std::optional<int64_t>(q->column_int64(0));
}

// Reads the rows of a finished statement into a listing.
Status read_all(sql::Connection& conn, WorkQueue::Listing& out) {
    const std::string text = select_sql("ORDER BY id");
    auto q = conn.query(text.c_str());
    if (!q) return q.error();
    for (;;) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) return {};
        rows::Stored stored;
        auto job = rows::read_job(*q, stored);
        if (job)
            out.jobs.push_back(std::move(*job));
        else
            ++out.unreadable;
    }
}

Status mark_unreadable(sql::Connection& conn, int64_t id, const std::string& why, int64_t now) {
    auto q = conn.query(
        "UPDATE work_queue SET state = 2, owner = NULL, claimed_at = NULL, detail = ?1,"
        " updated_at = ?2 WHERE id = ?3");
    if (!q) return q.error();
    return q->bind(1, udp::safe_text(why, kMaxDetail)).bind(2, now).bind(3, id).run();
}

// Runs `body` in a write transaction on the queue's connection.
template <typename Body>
auto write(cache::CacheDb& db, Body&& body) {
    return db.with_connection([&](sql::Connection& conn) {
        return sql::run_transaction(conn, sql::TxKind::write, [&] { return body(conn); });
    });
}

// An UPDATE of one claimed job; ok when the row is gone (cleared).
template <typename Bind>
Status update_claimed(cache::CacheDb& db, const char* text, Bind bind) {
    return write(db, [&](sql::Connection& conn) -> Status {
        auto q = conn.query(text);
        if (!q) return q.error();
        bind(*q);
        return q->run();
    });
}

}  // namespace

WorkQueue::WorkQueue(std::shared_ptr<cache::CacheDb> db) : db_(std::move(db)) {}
WorkQueue::~WorkQueue() = default;

Result<std::unique_ptr<WorkQueue>> WorkQueue::open(std::shared_ptr<cache::CacheDb> db) noexcept {
    return sql::guarded([&]() -> Result<std::unique_ptr<WorkQueue>> {
        if (!db) return make_error(Errc::invalid_parameter, "no cache database given");
        if (Status s = db->with_connection(prepare_queue_tables); !s) return s.error();
        // guarded() turns a failed allocation into Errc::out_of_memory.
        // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new)
        return std::unique_ptr<WorkQueue>(new WorkQueue(std::move(db)));
    });
}

Result<WorkQueue::Enqueued> WorkQueue::enqueue(const FileKey& file_in, const JobSpec& spec,
                                               int64_t now, const Waiting& waiting) noexcept {
    return sql::guarded([&]() -> Result<Enqueued> {
        auto file = make_file_key(file_in.size, file_in.ed2k);
        if (!file) return file.error();
        if (Status s = check_spec(spec); !s) return s.error();
        if (Status s = check_time(now, "time"); !s) return s.error();
        if (Status s = check_time(waiting.until, "wait time"); !s) return s.error();
        return write(*db_, [&](sql::Connection& conn) -> Result<Enqueued> {
            auto tail = find_tail(conn, *file);
            if (!tail) return tail.error();
            auto identify = find_waiting_identify(conn, *file);
            if (!identify) return identify.error();
            const Coalesced how = coalesce(*tail, *identify, spec);
            if (const auto* dup = std::get_if<DropAsDuplicate>(&how))
                return Enqueued{dup->id, Enqueued::How::duplicate};
            if (const auto* merge = std::get_if<MergeInto>(&how)) {
                auto q = conn.query(
                    "UPDATE work_queue SET params = ?1, checksum = ?2, updated_at = ?3"
                    " WHERE id = ?4");
                if (!q) return q.error();
                auto created = conn.query("SELECT created_at FROM work_queue WHERE id = ?1");
                if (!created) return created.error();
                auto row = created->bind(1, merge->id).step();
                if (!row) return row.error();
                const int64_t created_at = *row ? created->column_int64(0) : now;
                const std::string params = encode_params(merge->merged);
                const int64_t sum =
                    rows::job_checksum(*file, kind_of(merge->merged), params, created_at);
                if (Status s =
                        q->bind(1, params).bind(2, sum).bind(3, now).bind(4, merge->id).run();
                    !s)
                    return s.error();
                return Enqueued{merge->id, Enqueued::How::merged};
            }
            const std::string params = encode_params(spec);
            const JobKind kind = kind_of(spec);
            auto q = conn.query(
                "INSERT INTO work_queue (file_size, file_ed2k, kind, params, state, reason, detail,"
                " attempts, created_at, next_try_at, updated_at, owner, claimed_at, checksum)"
                " VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, 0, ?7, ?8, ?7, NULL, NULL, ?9)");
            if (!q) return q.error();
            Status s = q->bind_u64(1, file->size)
                           .bind(2, file->ed2k)
                           .bind(3, static_cast<int64_t>(kind))
                           .bind(4, params)
                           .bind(5, static_cast<int64_t>(waiting.reason))
                           .bind(6, udp::safe_text(waiting.detail, kMaxDetail))
                           .bind(7, now)
                           .bind(8, std::max(now, waiting.until))
                           .bind(9, rows::job_checksum(*file, kind, params, now))
                           .run();
            if (!s) return s.error();
            return Enqueued{sqlite3_last_insert_rowid(conn.handle()), Enqueued::How::appended};
        });
    });
}

Result<size_t> WorkQueue::pending_for(const FileKey& file_in) noexcept {
    return sql::guarded([&]() -> Result<size_t> {
        auto file = make_file_key(file_in.size, file_in.ed2k);
        if (!file) return file.error();
        return db_->with_connection([&](sql::Connection& conn) -> Result<size_t> {
            return sql::run_transaction(conn, sql::TxKind::read, [&]() -> Result<size_t> {
                auto q = conn.query(
                    "SELECT count(*) FROM work_queue WHERE file_size = ?1 AND file_ed2k = ?2"
                    " AND state = 0");
                if (!q) return q.error();
                auto row = q->bind_u64(1, file->size).bind(2, file->ed2k).step();
                if (!row) return row.error();
                return static_cast<size_t>(*row ? q->column_int64(0) : 0);
            });
        });
    });
}

Result<std::optional<WorkQueue::Claim>> WorkQueue::claim_next(
    int64_t now, const ClaimOptions& options) noexcept {
    using R = Result<std::optional<Claim>>;
    return sql::guarded([&]() -> R {
        if (Status s = check_time(now, "time"); !s) return s.error();
        const std::string owner = this_process_owner();
        return write(*db_, [&](sql::Connection& conn) -> R {
            if (auto released = rows::release_dead_claims(conn, now); !released)
                return released.error();
            // The oldest job that is due and first in its file's line, of a
            // file none of whose jobs is running (one job per file at a time).
            const std::string text = select_sql(
                "AS j WHERE j.state = 0 AND j.owner IS NULL AND (?1 <> 0 OR j.next_try_at <= ?2)"
                " AND NOT EXISTS (SELECT 1 FROM work_queue AS e WHERE e.file_size = j.file_size"
                " AND e.file_ed2k = j.file_ed2k AND e.state = 0"
                " AND (e.id < j.id OR e.owner IS NOT NULL))"
                " ORDER BY j.id LIMIT 1");
            for (;;) {
                rows::Stored stored;
                Result<Job> job = make_error(Errc::cache, "no row");
                {
                    auto q = conn.query(text.c_str());
                    if (!q) return q.error();
                    auto row =
                        q->bind(1, int64_t{options.include_not_due ? 1 : 0}).bind(2, now).step();
                    if (!row) return row.error();
                    if (!*row) return std::optional<Claim>();
                    job = rows::read_job(*q, stored);
                }
                if (!job) {
                    // Never run a damaged row; mark it and look further.
                    if (Status s = mark_unreadable(conn, stored.id, job.error().message, now); !s)
                        return s.error();
                    continue;
                }
                auto take =
                    conn.query("UPDATE work_queue SET owner = ?1, claimed_at = ?2 WHERE id = ?3");
                if (!take) return take.error();
                if (Status s = take->bind(1, owner).bind(2, now).bind(3, job->id).run(); !s)
                    return s.error();
                job->running = true;
                return std::optional<Claim>(Claim{std::move(*job), owner});
            }
        });
    });
}

Status WorkQueue::complete(const Claim& claim) noexcept {
    return sql::guarded([&]() -> Status {
        return update_claimed(*db_, "DELETE FROM work_queue WHERE id = ?1 AND owner = ?2",
                              [&](sql::Query& q) { q.bind(1, claim.job.id).bind(2, claim.owner); });
    });
}

Status WorkQueue::reschedule(const Claim& claim, WaitReason reason, const std::string& detail,
                             int64_t next_try_at, int64_t now) noexcept {
    return sql::guarded([&]() -> Status {
        if (Status s = check_time(next_try_at, "retry time"); !s) return s;
        return update_claimed(
            *db_,
            "UPDATE work_queue SET owner = NULL, claimed_at = NULL, attempts = attempts + 1,"
            " reason = ?1, detail = ?2, next_try_at = ?3, updated_at = ?4"
            " WHERE id = ?5 AND owner = ?6",
            [&](sql::Query& q) {
                q.bind(1, static_cast<int64_t>(reason))
                    .bind(2, udp::safe_text(detail, kMaxDetail))
                    .bind(3, next_try_at)
                    .bind(4, now)
                    .bind(5, claim.job.id)
                    .bind(6, claim.owner);
            });
    });
}

Status WorkQueue::fail(const Claim& claim, const std::string& detail, int64_t now) noexcept {
    return sql::guarded([&]() -> Status {
        return update_claimed(
            *db_,
            "UPDATE work_queue SET state = 2, owner = NULL, claimed_at = NULL,"
            " attempts = attempts + 1, detail = ?1, updated_at = ?2 WHERE id = ?3 AND owner = ?4",
            [&](sql::Query& q) {
                q.bind(1, udp::safe_text(detail, kMaxDetail))
                    .bind(2, now)
                    .bind(3, claim.job.id)
                    .bind(4, claim.owner);
            });
    });
}

Status WorkQueue::release(const Claim& claim) noexcept {
    return sql::guarded([&]() -> Status {
        return update_claimed(
            *db_,
            "UPDATE work_queue SET owner = NULL, claimed_at = NULL WHERE id = ?1 AND owner = ?2",
            [&](sql::Query& q) { q.bind(1, claim.job.id).bind(2, claim.owner); });
    });
}

Result<WorkQueue::Listing> WorkQueue::list() noexcept {
    return sql::guarded([&]() -> Result<Listing> {
        return db_->with_connection([&](sql::Connection& conn) -> Result<Listing> {
            return sql::run_transaction(conn, sql::TxKind::read, [&]() -> Result<Listing> {
                Listing out;
                if (Status s = read_all(conn, out); !s) return s.error();
                return out;
            });
        });
    });
}

Result<WorkQueue::Summary> WorkQueue::summary(int64_t now) noexcept {
    return sql::guarded([&]() -> Result<Summary> {
        auto listing = list();
        if (!listing) return listing.error();
        Summary s;
        s.failed = listing->unreadable;
        for (const Job& j : listing->jobs) {
            if (j.state == JobState::failed) {
                ++s.failed;
            } else if (j.running) {
                ++s.running;
            } else {
                ++s.pending;
                if (j.next_try_at <= now) ++s.due;
                if (!s.next_try_at || j.next_try_at < *s.next_try_at) s.next_try_at = j.next_try_at;
            }
        }
        return s;
    });
}

Result<size_t> WorkQueue::clear(Which which) noexcept {
    return sql::guarded([&]() -> Result<size_t> {
        return write(*db_, [&](sql::Connection& conn) -> Result<size_t> {
            // Unreadable rows count as failed: find them first.
            std::vector<int64_t> unreadable;
            {
                const std::string text = select_sql("ORDER BY id");
                auto q = conn.query(text.c_str());
                if (!q) return q.error();
                for (;;) {
                    auto row = q->step();
                    if (!row) return row.error();
                    if (!*row) break;
                    rows::Stored stored;
                    if (!rows::read_job(*q, stored)) unreadable.push_back(stored.id);
                }
            }
            size_t dropped = 0;
            for (int64_t id : unreadable) {
                auto q = conn.query("DELETE FROM work_queue WHERE id = ?1");
                if (!q) return q.error();
                if (Status s = q->bind(1, id).run(); !s) return s.error();
                dropped += static_cast<size_t>(sqlite3_changes(conn.handle()));
            }
            if (auto released =
                    rows::release_dead_claims(conn, static_cast<int64_t>(std::time(nullptr)));
                !released)
                return released.error();
            auto q =
                conn.query("DELETE FROM work_queue WHERE owner IS NULL AND (?1 <> 0 OR state = 2)");
            if (!q) return q.error();
            if (Status s = q->bind(1, int64_t{which == Which::all ? 1 : 0}).run(); !s)
                return s.error();
            dropped += static_cast<size_t>(sqlite3_changes(conn.handle()));
            return dropped;
        });
    });
}

Result<size_t> WorkQueue::retry_failed(int64_t now) noexcept {
    return sql::guarded([&]() -> Result<size_t> {
        if (Status s = check_time(now, "time"); !s) return s.error();
        return write(*db_, [&](sql::Connection& conn) -> Result<size_t> {
            auto q = conn.query(
                "UPDATE work_queue SET state = 0, reason = 0, detail = '', next_try_at = ?1,"
                " updated_at = ?1 WHERE state = 2");
            if (!q) return q.error();
            if (Status s = q->bind(1, now).run(); !s) return s.error();
            return static_cast<size_t>(sqlite3_changes(conn.handle()));
        });
    });
}

}  // namespace anidb::queue
