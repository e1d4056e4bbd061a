#include "cache/sqlite_connection.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>

namespace anidb::cache::sql {

namespace {

std::string system_reason(sqlite3* db) {
    const int err = db != nullptr ? sqlite3_system_errno(db) : 0;
    if (err == EACCES || err == EPERM || err == EROFS) return "permission denied";
    if (err == ENOSPC) return "no space left on device";
    if (err != 0) return std::strerror(err);
    return db != nullptr ? sqlite3_errmsg(db) : "unknown reason";
}

}  // namespace

Error sqlite_error(int rc, sqlite3* db, const std::string& file) {
    switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return make_error(Errc::busy, "cache database is locked: " + file);
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return make_error(Errc::cache, "cache database is corrupt: " + file);
        case SQLITE_FULL:
            return make_error(Errc::cache,
                              "cache database is full (disk full or size limit reached): " + file);
        case SQLITE_NOMEM:
            return make_error(Errc::out_of_memory, "out of memory in SQLite cache");
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_AUTH:
            return make_error(Errc::cache,
                              "cache database is not writable (permission denied): " + file);
        case SQLITE_CANTOPEN:
            return make_error(Errc::cache,
                              "cannot open cache database " + file + ": " + system_reason(db));
        case SQLITE_IOERR:
            return make_error(Errc::cache,
                              "I/O error on cache database " + file + ": " + system_reason(db));
        default:
            return make_error(Errc::cache,
                              "cache database error on " + file + ": " +
                                  (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    }
}

// --- Query

Query::~Query() {
    if (stmt_ != nullptr) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
}

Query& Query::bind(int index, int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
}

Query& Query::bind_null(int index) {
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
}

namespace {
// SQLite binds a null pointer as NULL, and an empty std::string_view may
// have one: an empty value is bound as '' (a value, never "absent").
const char* text_pointer(std::string_view text) {
    return text.data() != nullptr ? text.data() : "";
}
}  // namespace

Query& Query::bind(int index, std::string_view text) {
    // SQLITE_TRANSIENT: SQLite copies, so `text` need not outlive the query.
    const int rc = sqlite3_bind_text64(stmt_, index, text_pointer(text), text.size(),
                                       SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
}

Query& Query::bind_static(int index, std::string_view text) {
    const int rc = sqlite3_bind_text64(stmt_, index, text_pointer(text), text.size(), SQLITE_STATIC,
                                       SQLITE_UTF8);
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
}

Result<bool> Query::step() {
    if (bind_rc_ != SQLITE_OK) return conn_->error(bind_rc_);
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return conn_->error(rc);
}

Status Query::run() {
    auto r = step();
    if (!r) return r.error();
    return {};
}

int64_t Query::column_int64(int index) const {
    return sqlite3_column_int64(stmt_, index);
}

bool Query::column_is_null(int index) const {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

std::string Query::column_text(int index) const {
    const auto* p = sqlite3_column_text(stmt_, index);
    const int n = sqlite3_column_bytes(stmt_, index);
    if (p == nullptr || n <= 0) return {};
    return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

// --- Connection

void Connection::StatementDeleter::operator()(sqlite3_stmt* s) const noexcept {
    sqlite3_finalize(s);
}

Result<std::unique_ptr<Connection>> Connection::open(const std::filesystem::path& file) {
    sqlite3* db = nullptr;
    // NOMUTEX: CacheDb's own mutex serialises use of the connection.
    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        Error e = sqlite_error(rc, db, file.string());
        sqlite3_close_v2(db);  // accepts NULL
        return e;
    }
    std::unique_ptr<Connection> conn(new Connection(db, file.string()));
    if (sqlite3_db_readonly(db, "main") == 1) {
        return make_error(Errc::cache,
                          "cache database is not writable (permission denied): " + file.string());
    }
    return conn;
}

Connection::~Connection() {
    statements_.clear();  // finalize before closing
    sqlite3_close_v2(db_);
}

Status Connection::exec(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return error(rc);
    return {};
}

Status Connection::run_cached(const char* sql) {
    auto q = query(sql);
    if (!q) return q.error();
    return q->run();
}

Result<Query> Connection::query(const char* sql) {
    auto it = statements_.find(std::string_view(sql));
    if (it == statements_.end()) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(stmt);
            return error(rc);
        }
        std::unique_ptr<sqlite3_stmt, StatementDeleter> owned(stmt);
        it = statements_.emplace(sql, std::move(owned)).first;
    }
    return Query(*this, it->second.get());
}

Result<int64_t> Connection::scalar(const char* sql) {
    auto q = query(sql);
    if (!q) return q.error();
    auto row = q->step();
    if (!row) return row.error();
    if (!*row) return make_error(Errc::cache, std::string("cache query returned no row: ") + sql);
    return q->column_int64(0);
}

int64_t Connection::changes() const noexcept {
    return sqlite3_changes64(db_);
}

void Connection::rollback() noexcept {
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace anidb::cache::sql
