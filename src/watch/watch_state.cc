#include "watch/watch_state.h"

#include "cache/cache_db.h"
#include "cache/transaction.h"
#include "watch/watch_schema.h"

namespace anidb::watch {

namespace sql = cache::sql;

namespace {

constexpr const char* kColumns =
    "path, size, mtime_ns, status, step, ed2k, attempts, next_try_at, detail, target, updated_at";
constexpr size_t kMaxDetail = 1000;
constexpr int64_t kMaxTime = 253402300799;  // 9999-12-31, as AniDB dates

bool is_ed2k_text(const std::string& text) {
    if (text.size() != 32) return false;
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

// The row under q's cursor, or nothing when a value is out of form.
std::optional<WatchedFile> read_row(const sql::Query& q) {
    WatchedFile f;
    f.path = q.column_text(0);
    const int64_t size = q.column_int64(1);
    const int64_t status = q.column_int64(3);
    const int64_t step = q.column_int64(4);
    const int64_t attempts = q.column_int64(6);
    f.next_try_at = q.column_int64(7);
    f.updated_at = q.column_int64(10);
    if (f.path.empty() || size < 0 || status < 0 || status > 4 || step < 0 || step > 5 ||
        attempts < 0 || attempts > 1'000'000 || f.next_try_at < 0 || f.next_try_at > kMaxTime ||
        f.updated_at < 0 || f.updated_at > kMaxTime) {
        return std::nullopt;
    }
    f.size = static_cast<uint64_t>(size);
    f.mtime_ns = q.column_int64(2);
    f.status = static_cast<FileStatus>(status);
    f.step = static_cast<Step>(step);
    f.ed2k = q.column_text(5);
    if (!f.ed2k.empty() && !is_ed2k_text(f.ed2k)) return std::nullopt;
    if (f.step >= Step::hashed && f.ed2k.empty()) return std::nullopt;
    f.attempts = static_cast<int>(attempts);
    f.detail = q.column_text(8);
    f.target = q.column_text(9);
    return f;
}

template <typename Body>
auto read(cache::CacheDb& db, Body&& body) {
    return db.with_connection([&](sql::Connection& conn) {
        return sql::run_transaction(conn, sql::TxKind::read, [&] { return body(conn); });
    });
}

template <typename Body>
auto write(cache::CacheDb& db, Body&& body) {
    return db.with_connection([&](sql::Connection& conn) {
        return sql::run_transaction(conn, sql::TxKind::write, [&] { return body(conn); });
    });
}

// Every readable row of a query; `unreadable` counts the others.
Result<std::vector<WatchedFile>> read_rows(sql::Query& q, size_t* unreadable) {
    std::vector<WatchedFile> out;
    for (;;) {
        auto row = q.step();
        if (!row) return row.error();
        if (!*row) return out;
        if (auto f = read_row(q)) {
            out.push_back(std::move(*f));
        } else if (unreadable != nullptr) {
            ++*unreadable;
        }
    }
}

}  // namespace

const char* status_name(FileStatus status) {
    switch (status) {
        case FileStatus::seen:
            return "settling";
        case FileStatus::pending:
            return "pending";
        case FileStatus::waiting:
            return "waiting";
        case FileStatus::done:
            return "done";
        case FileStatus::failed:
            return "failed";
    }
    return "?";
}

WatchState::WatchState(std::shared_ptr<cache::CacheDb> db) : db_(std::move(db)) {}
WatchState::~WatchState() = default;

Result<std::unique_ptr<WatchState>> WatchState::open(std::shared_ptr<cache::CacheDb> db) noexcept {
    return sql::guarded([&]() -> Result<std::unique_ptr<WatchState>> {
        if (!db) return make_error(Errc::invalid_parameter, "no cache database given");
        if (Status s = db->with_connection(prepare_watch_tables); !s) return s.error();
        // guarded() turns a failed allocation into Errc::out_of_memory.
        // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new)
        return std::unique_ptr<WatchState>(new WatchState(std::move(db)));
    });
}

Result<std::optional<WatchedFile>> WatchState::find(const std::string& path) noexcept {
    return sql::guarded([&]() -> Result<std::optional<WatchedFile>> {
        return read(*db_, [&](sql::Connection& conn) -> Result<std::optional<WatchedFile>> {
            const std::string text =
                std::string("SELECT ") + kColumns + " FROM watch_files WHERE path = ?1";
            auto q = conn.query(text.c_str());
            if (!q) return q.error();
            auto row = q->bind(1, path).step();
            if (!row) return row.error();
            if (!*row) return std::optional<WatchedFile>();
            return read_row(*q);
        });
    });
}

Status WatchState::put(const WatchedFile& f) noexcept {
    return sql::guarded([&]() -> Status {
        if (f.path.empty()) return make_error(Errc::invalid_parameter, "empty path");
        if (f.next_try_at < 0 || f.next_try_at > kMaxTime || f.updated_at < 0 ||
            f.updated_at > kMaxTime || f.attempts < 0 ||
            f.size > static_cast<uint64_t>(INT64_MAX) ||
            (!f.ed2k.empty() && !is_ed2k_text(f.ed2k))) {
            return make_error(Errc::invalid_parameter, "watch state row out of range");
        }
        return write(*db_, [&](sql::Connection& conn) -> Status {
            const std::string text = std::string("INSERT OR REPLACE INTO watch_files (") +
                                     kColumns +
                                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
            auto q = conn.query(text.c_str());
            if (!q) return q.error();
            return q->bind(1, f.path)
                .bind_u64(2, f.size)
                .bind(3, f.mtime_ns)
                .bind(4, static_cast<int64_t>(f.status))
                .bind(5, static_cast<int64_t>(f.step))
                .bind(6, f.ed2k)
                .bind(7, static_cast<int64_t>(f.attempts))
                .bind(8, f.next_try_at)
                .bind(9, std::string_view(f.detail).substr(0, kMaxDetail))
                .bind(10, f.target)
                .bind(11, f.updated_at)
                .run();
        });
    });
}

Status WatchState::erase(const std::string& path) noexcept {
    return sql::guarded([&]() -> Status {
        return write(*db_, [&](sql::Connection& conn) -> Status {
            auto q = conn.query("DELETE FROM watch_files WHERE path = ?1");
            if (!q) return q.error();
            return q->bind(1, path).run();
        });
    });
}

Result<std::vector<WatchedFile>> WatchState::due(int64_t now) noexcept {
    return sql::guarded([&]() -> Result<std::vector<WatchedFile>> {
        return read(*db_, [&](sql::Connection& conn) -> Result<std::vector<WatchedFile>> {
            const std::string text = std::string("SELECT ") + kColumns +
                                     " FROM watch_files WHERE status = 1 OR (status = 2 AND "
                                     "next_try_at <= ?1) ORDER BY updated_at, path";
            auto q = conn.query(text.c_str());
            if (!q) return q.error();
            q->bind(1, now);
            return read_rows(*q, nullptr);
        });
    });
}

Result<std::vector<WatchedFile>> WatchState::with_status(FileStatus status) noexcept {
    return sql::guarded([&]() -> Result<std::vector<WatchedFile>> {
        return read(*db_, [&](sql::Connection& conn) -> Result<std::vector<WatchedFile>> {
            const std::string text =
                std::string("SELECT ") + kColumns +
                " FROM watch_files WHERE status = ?1 ORDER BY updated_at, path";
            auto q = conn.query(text.c_str());
            if (!q) return q.error();
            q->bind(1, static_cast<int64_t>(status));
            return read_rows(*q, nullptr);
        });
    });
}

Result<std::optional<int64_t>> WatchState::next_due() noexcept {
    return sql::guarded([&]() -> Result<std::optional<int64_t>> {
        return read(*db_, [&](sql::Connection& conn) -> Result<std::optional<int64_t>> {
            auto q = conn.query(
                "SELECT min(CASE status WHEN 1 THEN 0 ELSE next_try_at END) FROM watch_files"
                " WHERE status IN (1, 2)");
            if (!q) return q.error();
            auto row = q->step();
            if (!row) return row.error();
            if (!*row || q->column_is_null(0)) return std::optional<int64_t>();
            return std::optional<int64_t>(q->column_int64(0));
        });
    });
}

Result<WatchState::Counts> WatchState::counts() noexcept {
    return sql::guarded([&]() -> Result<Counts> {
        return read(*db_, [&](sql::Connection& conn) -> Result<Counts> {
            const std::string text = std::string("SELECT ") + kColumns + " FROM watch_files";
            auto q = conn.query(text.c_str());
            if (!q) return q.error();
            Counts c;
            auto rows = read_rows(*q, &c.unreadable);
            if (!rows) return rows.error();
            for (const WatchedFile& f : *rows) {
                switch (f.status) {
                    case FileStatus::seen:
                        ++c.seen;
                        break;
                    case FileStatus::pending:
                        ++c.pending;
                        break;
                    case FileStatus::waiting:
                        ++c.waiting;
                        if (!c.next_try_at || f.next_try_at < *c.next_try_at)
                            c.next_try_at = f.next_try_at;
                        break;
                    case FileStatus::done:
                        ++c.done;
                        break;
                    case FileStatus::failed:
                        ++c.failed;
                        break;
                }
            }
            return c;
        });
    });
}

}  // namespace anidb::watch
