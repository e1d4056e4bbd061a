#include "queue/queue_rows.h"

#include <sqlite3.h>
#include <zlib.h>

#include <vector>

#include "anidb/record_fields.h"
#include "anidb/server_text.h"
#include "queue/claim_owner.h"
#include "queue/job_codec.h"

namespace anidb::queue::rows {
namespace {

Error unreadable(const std::string& why) {
    return make_error(Errc::cache, "unreadable queued job: " + why);
}

bool time_ok(int64_t t) {
    return t >= 0 && t <= udp::kMaxUnixTime;
}

}  // namespace

int64_t job_checksum(const FileKey& file, JobKind kind, const std::string& params,
                     int64_t created_at) {
    const std::string head = std::to_string(file.size) + '|' + file.ed2k + '|' +
                             std::to_string(static_cast<int>(kind)) + '|' +
                             std::to_string(created_at) + '|';
    uLong crc =
        crc32(0, reinterpret_cast<const Bytef*>(head.data()), static_cast<uInt>(head.size()));
    crc =
        crc32(crc, reinterpret_cast<const Bytef*>(params.data()), static_cast<uInt>(params.size()));
    return static_cast<int64_t>(crc);
}

Result<Job> read_job(const cache::sql::Query& q, Stored& stored) {
    stored.id = q.column_int64(0);
    stored.owner.reset();
    if (!q.column_is_null(12)) stored.owner = q.column_text(12);
    Job job;
    job.id = stored.id;
    const int64_t size = q.column_int64(1);
    auto file = make_file_key(size > 0 ? static_cast<uint64_t>(size) : 0, q.column_text(2));
    if (!file || file->ed2k != q.column_text(2)) return unreadable("bad file key");
    job.file = std::move(*file);
    auto kind = decode_kind(q.column_int64(3));
    if (!kind) return kind.error();
    const std::string params = q.column_text(4);
    job.created_at = q.column_int64(9);
    if (!time_ok(job.created_at) ||
        job_checksum(job.file, *kind, params, job.created_at) != q.column_int64(13))
        return unreadable("checksum mismatch");
    auto spec = decode_params(*kind, params);
    if (!spec) return spec.error();
    job.spec = std::move(*spec);
    const int64_t state = q.column_int64(5);
    if (state != static_cast<int>(JobState::pending) && state != static_cast<int>(JobState::failed))
        return unreadable("state " + std::to_string(state));
    job.state = static_cast<JobState>(state);
    const int64_t reason = q.column_int64(6);
    if (reason < 0 || reason > static_cast<int>(WaitReason::client_rejected))
        return unreadable("reason " + std::to_string(reason));
    job.reason = static_cast<WaitReason>(reason);
    job.detail = udp::safe_text(q.column_text(7));
    const int64_t attempts = q.column_int64(8);
    if (attempts < 0 || attempts > udp::kMaxInt4) return unreadable("attempts");
    job.attempts = static_cast<int>(attempts);
    job.next_try_at = q.column_int64(10);
    job.updated_at = q.column_int64(11);
    if (!time_ok(job.next_try_at) || !time_ok(job.updated_at)) return unreadable("times");
    job.running = stored.owner.has_value() && owner_alive(*stored.owner);
    return job;
}

Result<size_t> release_dead_claims(cache::sql::Connection& conn, int64_t now) {
    std::vector<std::string> dead;
    {
        auto q = conn.query("SELECT DISTINCT owner FROM work_queue WHERE owner IS NOT NULL");
        if (!q) return q.error();
        for (;;) {
            auto row = q->step();
            if (!row) return row.error();
            if (!*row) break;
            std::string owner = q->column_text(0);
            if (!owner_alive(owner)) dead.push_back(std::move(owner));
        }
    }
    size_t released = 0;
    for (const auto& owner : dead) {
        auto q = conn.query(
            "UPDATE work_queue SET owner = NULL, claimed_at = NULL, attempts = attempts + 1,"
            " reason = ?1, detail = ?2, next_try_at = ?3, updated_at = ?3 WHERE owner = ?4");
        if (!q) return q.error();
        Status s = q->bind(1, static_cast<int64_t>(WaitReason::interrupted))
                       .bind(2, std::string_view("the process running it ended before recording "
                                                 "its result; it runs again"))
                       .bind(3, now)
                       .bind(4, owner)
                       .run();
        if (!s) return s.error();
        released += static_cast<size_t>(sqlite3_changes(conn.handle()));
    }
    return released;
}

}  // namespace anidb::queue::rows
