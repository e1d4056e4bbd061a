// CacheDb: AniDB answers (FILE, unknown files, ANIME/EPISODE/GROUP records).
#include <algorithm>
#include <cctype>

#include "cache/cache_db.h"
#include "cache/fields_codec.h"
#include "cache/schema.h"
#include "cache/sqlite_connection.h"
#include "cache/transaction.h"

namespace anidb::cache {

namespace {

// ed2k hashes are hex; AniDB is sent (and we key by) lower case.
Result<std::string> normalized_ed2k(std::string_view ed2k) {
    if (ed2k.empty()) return make_error(Errc::invalid_parameter, "empty ed2k hash for the cache");
    std::string out(ed2k);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

int64_t kind_number(CacheDb::RecordKind kind) {
    switch (kind) {
        case CacheDb::RecordKind::anime:
            return 1;
        case CacheDb::RecordKind::episode:
            return 2;
        case CacheDb::RecordKind::group:
            return 3;
    }
    return 0;
}

Status delete_by_size_ed2k(sql::Connection& conn, const char* sql, uint64_t size,
                           const std::string& ed2k) {
    auto q = conn.query(sql);
    if (!q) return q.error();
    return q->bind_u64(1, size).bind(2, ed2k).run();
}

}  // namespace

Status CacheDb::store_file_answer(const FileAnswer& a) noexcept {
    return sql::guarded([&]() -> Status {
        auto ed2k = normalized_ed2k(a.ed2k);
        if (!ed2k) return ed2k.error();
        const std::string fields = encode_fields(a.fields);
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::write, [&]() -> Status {
            auto q =
                conn_->query("INSERT OR REPLACE INTO anidb_files (" ANIDB_FILES_COLUMNS
                             ", checksum) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                             " anidb_checksum('anidb_files', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))");
            if (!q) return q.error();
            Status s = q->bind_u64(1, a.size)
                           .bind(2, *ed2k)
                           .bind_u64(3, a.fid)
                           .bind_u64(4, a.aid)
                           .bind_u64(5, a.eid)
                           .bind_u64(6, a.gid)
                           .bind(7, fields)
                           .bind(8, a.fetched_at)
                           .run();
            if (!s) return s;
            return delete_by_size_ed2k(
                *conn_, "DELETE FROM anidb_unknown_files WHERE size = ?1 AND ed2k = ?2", a.size,
                *ed2k);
        });
    });
}

Result<std::optional<CacheDb::FileAnswer>> CacheDb::find_file_answer(
    uint64_t size, std::string_view ed2k_in) noexcept {
    using R = Result<std::optional<FileAnswer>>;
    bool damaged = false;
    std::string key;
    R found = sql::guarded([&]() -> R {
        auto ed2k = normalized_ed2k(ed2k_in);
        if (!ed2k) return ed2k.error();
        key = *ed2k;
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::read, [&]() -> R {
            auto q = conn_->query("SELECT " ANIDB_FILES_COLUMNS
                                  ", checksum = anidb_checksum('anidb_files', " ANIDB_FILES_COLUMNS
                                  ") FROM anidb_files WHERE size = ?1 AND ed2k = ?2");
            if (!q) return q.error();
            auto row = q->bind_u64(1, size).bind(2, *ed2k).step();
            if (!row) return row.error();
            damaged = false;
            if (!*row) return std::optional<FileAnswer>();
            auto fields = decode_fields(q->column_text(6));
            if (q->column_int64(8) != 1 || q->column_u64(0) != size || q->column_text(1) != *ed2k ||
                !fields) {
                damaged = true;
                return std::optional<FileAnswer>();
            }
            FileAnswer a;
            a.size = size;
            a.ed2k = *ed2k;
            a.fid = q->column_u64(2);
            a.aid = q->column_u64(3);
            a.eid = q->column_u64(4);
            a.gid = q->column_u64(5);
            a.fields = std::move(*fields);
            a.fetched_at = q->column_int64(7);
            return std::optional<FileAnswer>(std::move(a));
        });
    });
    if (damaged) report_corrupt("AniDB answer for the file with ed2k", key);
    return found;
}

Status CacheDb::store_unknown_file(uint64_t size, std::string_view ed2k_in,
                                   int64_t retry_after) noexcept {
    return sql::guarded([&]() -> Status {
        auto ed2k = normalized_ed2k(ed2k_in);
        if (!ed2k) return ed2k.error();
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::write, [&]() -> Status {
            auto q = conn_->query(
                "INSERT OR REPLACE INTO anidb_unknown_files (" ANIDB_UNKNOWN_FILES_COLUMNS
                ", checksum) VALUES (?1, ?2, ?3,"
                " anidb_checksum('anidb_unknown_files', ?1, ?2, ?3))");
            if (!q) return q.error();
            if (Status s = q->bind_u64(1, size).bind(2, *ed2k).bind(3, retry_after).run(); !s) {
                return s;
            }
            return delete_by_size_ed2k(
                *conn_, "DELETE FROM anidb_files WHERE size = ?1 AND ed2k = ?2", size, *ed2k);
        });
    });
}

Result<std::optional<int64_t>> CacheDb::find_unknown_file(uint64_t size,
                                                          std::string_view ed2k_in) noexcept {
    using R = Result<std::optional<int64_t>>;
    bool damaged = false;
    std::string key;
    R found = sql::guarded([&]() -> R {
        auto ed2k = normalized_ed2k(ed2k_in);
        if (!ed2k) return ed2k.error();
        key = *ed2k;
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::read, [&]() -> R {
            auto q = conn_->query(
                "SELECT " ANIDB_UNKNOWN_FILES_COLUMNS
                ", checksum = anidb_checksum('anidb_unknown_files', " ANIDB_UNKNOWN_FILES_COLUMNS
                ") FROM anidb_unknown_files WHERE size = ?1 AND ed2k = ?2");
            if (!q) return q.error();
            auto row = q->bind_u64(1, size).bind(2, *ed2k).step();
            if (!row) return row.error();
            damaged = false;
            if (!*row) return std::optional<int64_t>();
            if (q->column_int64(3) != 1 || q->column_u64(0) != size || q->column_text(1) != *ed2k) {
                damaged = true;
                return std::optional<int64_t>();
            }
            return std::optional<int64_t>(q->column_int64(2));
        });
    });
    if (damaged) report_corrupt("\"unknown to AniDB\" entry for the file with ed2k", key);
    return found;
}

Status CacheDb::store_record(RecordKind kind, const Record& r) noexcept {
    return sql::guarded([&]() -> Status {
        const int64_t k = kind_number(kind);
        if (k == 0) return make_error(Errc::invalid_parameter, "unknown cache record kind");
        const std::string fields = encode_fields(r.fields);
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::write, [&]() -> Status {
            auto q = conn_->query("INSERT OR REPLACE INTO anidb_records (" ANIDB_RECORDS_COLUMNS
                                  ", checksum) VALUES (?1, ?2, ?3, ?4,"
                                  " anidb_checksum('anidb_records', ?1, ?2, ?3, ?4))");
            if (!q) return q.error();
            return q->bind(1, k).bind_u64(2, r.id).bind(3, fields).bind(4, r.fetched_at).run();
        });
    });
}

Result<std::optional<CacheDb::Record>> CacheDb::find_record(RecordKind kind, uint64_t id) noexcept {
    using R = Result<std::optional<Record>>;
    bool damaged = false;
    R found = sql::guarded([&]() -> R {
        const int64_t k = kind_number(kind);
        if (k == 0) return make_error(Errc::invalid_parameter, "unknown cache record kind");
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::read, [&]() -> R {
            auto q =
                conn_->query("SELECT " ANIDB_RECORDS_COLUMNS
                             ", checksum = anidb_checksum('anidb_records', " ANIDB_RECORDS_COLUMNS
                             ") FROM anidb_records WHERE kind = ?1 AND id = ?2");
            if (!q) return q.error();
            auto row = q->bind(1, k).bind_u64(2, id).step();
            if (!row) return row.error();
            damaged = false;
            if (!*row) return std::optional<Record>();
            auto fields = decode_fields(q->column_text(2));
            if (q->column_int64(4) != 1 || q->column_int64(0) != k || q->column_u64(1) != id ||
                !fields) {
                damaged = true;
                return std::optional<Record>();
            }
            return std::optional<Record>(Record{id, std::move(*fields), q->column_int64(3)});
        });
    });
    if (damaged) report_corrupt("AniDB record", std::to_string(id));
    return found;
}

}  // namespace anidb::cache
