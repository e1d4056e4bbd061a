// CacheDb: opening, maintenance (clear, stats, vacuum) and client state.
// Hashes are in cache_db_hashes.cc, AniDB answers in cache_db_anidb.cc.
#include "cache/cache_db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "cache/schema.h"
#include "cache/sqlite_connection.h"
#include "cache/store_queue.h"
#include "cache/transaction.h"

namespace anidb::cache {

namespace {

// Creates each missing directory above `file` with mode 0700 (the cache may
// hold a session key). Existing directories are left as they are.
Status create_parent_directories(const std::filesystem::path& file) {
    std::filesystem::path dir;
    for (const auto& part : file.parent_path()) {
        dir /= part;
        if (::mkdir(dir.c_str(), 0700) == 0) {
            (void)::chmod(dir.c_str(), 0700);  // mkdir's mode went through the umask
            continue;
        }
        if (errno == EEXIST) {
            struct stat st {};
            if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
            return make_error(
                Errc::cache, "cannot create cache directory " + dir.string() + ": not a directory");
        }
        const int err = errno;
        return make_error(Errc::cache,
                          "cannot create cache directory " + dir.string() + ": " +
                              (err == EACCES || err == EPERM || err == EROFS ? "permission denied"
                                                                             : std::strerror(err)));
    }
    return {};
}

// The database holds the AniDB session key: it is private (owner-only)
// whatever the umask, also inside an existing folder others can read.
// Created here, because SQLite would create it 0644; an existing one of
// ours that group or others can read is narrowed, with its -wal and -shm
// files (SQLite gives those the database's mode when it creates them).
void make_private(const std::filesystem::path& file) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const std::filesystem::path p = file.string() + suffix;
        const int flags = O_RDONLY | O_CLOEXEC | (*suffix == '\0' ? O_CREAT : 0);
        const int fd = ::open(p.c_str(), flags, 0600);
        if (fd < 0) continue;  // not there, or not ours to open: SQLite reports
        struct stat st {};
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
            (st.st_mode & 077) != 0) {
            (void)::fchmod(fd, st.st_mode & 0700);
        }
        ::close(fd);
    }
}

// SQLite reads the header itself, but checking the magic bytes first gives a
// clear "corrupt" for any non-empty file that is not SQLite at all.
Status check_header(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return {};  // created by SQLite below
    if (S_ISDIR(st.st_mode)) {
        return make_error(Errc::cache, "cache database path is a directory: " + file.string());
    }
    if (st.st_size == 0) return {};  // empty file: SQLite makes it a database
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return make_error(Errc::cache, "cannot open cache database " + file.string() + ": " +
                                           (err == EACCES || err == EPERM ? "permission denied"
                                                                          : std::strerror(err)));
    }
    static constexpr char kMagic[16] = "SQLite format 3";  // with its NUL: 16 bytes
    std::array<char, sizeof kMagic> head{};
    const ssize_t n = ::pread(fd, head.data(), head.size(), 0);
    ::close(fd);
    if (n != static_cast<ssize_t>(head.size()) ||
        std::memcmp(head.data(), kMagic, head.size()) != 0) {
        return make_error(Errc::cache, "cache database is corrupt: " + file.string());
    }
    return {};
}

// WAL mode creates "-wal" and "-shm" files next to the database, so its
// directory must be writable even when the database file exists. Checked here
// because SQLite's own error for this case does not say "permission".
Status check_directory_writable(const std::filesystem::path& file) {
    const auto dir = file.parent_path();
    if (::faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) == 0) return {};
    const int err = errno;
    return make_error(Errc::cache,
                      "cache directory " + dir.string() + " is not writable: " +
                          (err == EACCES || err == EPERM || err == EROFS ? "permission denied"
                                                                         : std::strerror(err)));
}

}  // namespace

CacheDb::CacheDb(std::filesystem::path file, std::unique_ptr<sql::Connection> conn,
                 std::unique_ptr<sql::Connection> writer, const OpenOptions& options)
    : file_(std::move(file)),
      on_problem_(options.on_problem),
      conn_(std::move(conn)),
      writer_conn_(std::move(writer)) {
    queue_ = std::make_unique<StoreQueue>(
        StoreQueue::Settings{options.group_files, options.group_window},
        [this](std::span<const PendingStore> group) { return write_hash_group(group); },
        [this](const Error& error, std::vector<std::string> paths) {
            Problem p;
            p.kind = Problem::Kind::not_stored;
            p.error = error;
            p.paths = std::move(paths);
            report(p);
        });
}

CacheDb::~CacheDb() = default;  // queue_ goes first and commits what it holds

void CacheDb::report_corrupt(std::string_view what, std::string_view name,
                             std::string_view file) const noexcept {
    if (!on_problem_) return;
    try {
        Problem p;
        p.kind = Problem::Kind::corrupt_entry;
        p.error = Error{Errc::cache, "cache entry corrupt (failed its integrity check): " +
                                         std::string(what) + " " + std::string(name) + " in " +
                                         file_.string() + "; treated as absent"};
        if (!file.empty()) p.paths.emplace_back(file);
        report(p);
    } catch (...) {
        // Out of memory building the report: it is lost, the miss stands.
    }
}

void CacheDb::report(const Problem& problem) const noexcept {
    if (!on_problem_) return;
    try {
        on_problem_(problem);
    } catch (...) {
        // A listener must not throw; its report is lost if it does.
    }
}

Result<std::unique_ptr<CacheDb>> CacheDb::open(const std::filesystem::path& db_file,
                                               const OpenOptions& options) noexcept {
    return sql::guarded([&]() -> Result<std::unique_ptr<CacheDb>> {
        if (db_file.empty()) {
            return make_error(Errc::invalid_parameter, "no cache database path given");
        }
        if (options.busy_timeout_ms < 0) {
            return make_error(Errc::invalid_parameter, "negative cache busy timeout");
        }
        if (options.group_files == 0 || options.group_window.count() < 0) {
            return make_error(Errc::invalid_parameter,
                              "cache group commit needs a group size >= 1");
        }
        const std::filesystem::path file = std::filesystem::absolute(db_file).lexically_normal();
        if (Status s = create_parent_directories(file); !s) return s.error();
        if (Status s = check_directory_writable(file); !s) return s.error();
        if (Status s = check_header(file); !s) return s.error();
        make_private(file);
        auto conn = sql::Connection::open(file);
        if (!conn) return conn.error();
        if (Status s = prepare_schema(**conn, options.busy_timeout_ms); !s) return s.error();
        // The group writer's own connection: lookups (on conn) go on while a
        // group is written (WAL: readers never wait for the writer).
        auto writer = sql::Connection::open(file);
        if (!writer) return writer.error();
        if (Status s = prepare_connection(**writer, options.busy_timeout_ms); !s) return s.error();
        // Groups are large: checkpoint (copy into the file, fsync) after 4000
        // pages of WAL rather than SQLite's 1000, so that a first scan
        // checkpoints once in a few groups instead of after every one.
        if (Status s = (*writer)->exec("PRAGMA wal_autocheckpoint=4000"); !s) return s.error();
        if (options.max_page_count != 0) {
            const std::string cap =
                "PRAGMA max_page_count=" + std::to_string(options.max_page_count);
            if (Status s = (*conn)->exec(cap.c_str()); !s) return s.error();
            if (Status s = (*writer)->exec(cap.c_str()); !s) return s.error();
        }
        return std::unique_ptr<CacheDb>(
            new CacheDb(file, std::move(*conn), std::move(*writer), options));
    });
}

Status CacheDb::clear() noexcept {
    return sql::guarded([&]() -> Status {
        queue_->discard();  // queued stores would only be deleted again
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::write, [&] {
            return conn_->exec(
                "DELETE FROM hash_files; DELETE FROM anidb_files;"
                " DELETE FROM anidb_unknown_files; DELETE FROM anidb_records;"
                " DELETE FROM client_state;");
        });
    });
}

Result<CacheDb::Stats> CacheDb::stats() noexcept {
    return sql::guarded([&]() -> Result<Stats> {
        static_cast<void>(
            queue_->flush());  // count what this object stored (failures are reported)
        std::lock_guard lock(mutex_);
        auto counted = sql::run_transaction(*conn_, sql::TxKind::read, [&]() -> Result<Stats> {
            Stats s;
            auto hashes = conn_->scalar("SELECT count(*) FROM hash_files");
            if (!hashes) return hashes.error();
            auto answers = conn_->scalar(
                "SELECT (SELECT count(*) FROM anidb_files) + (SELECT count(*) FROM "
                "anidb_unknown_files) + (SELECT count(*) FROM anidb_records)");
            if (!answers) return answers.error();
            auto pages = conn_->scalar("PRAGMA page_count");
            if (!pages) return pages.error();
            auto page_size = conn_->scalar("PRAGMA page_size");
            if (!page_size) return page_size.error();
            s.hash_entries = static_cast<uint64_t>(*hashes);
            s.anidb_entries = static_cast<uint64_t>(*answers);
            s.database_bytes = static_cast<uint64_t>(*pages) * static_cast<uint64_t>(*page_size);
            return s;
        });
        if (!counted) return counted;
        std::error_code ec;
        const auto wal = std::filesystem::file_size(file_.string() + "-wal", ec);
        if (!ec) counted->database_bytes += wal;
        return counted;
    });
}

Status CacheDb::vacuum() noexcept {
    return sql::guarded([&]() -> Status {
        static_cast<void>(queue_->flush());  // a failure was reported
        std::lock_guard lock(mutex_);
        // VACUUM cannot run inside a transaction; it takes its own locks.
        if (Status s = sql::run_with_retry([&] { return conn_->exec("VACUUM"); }); !s) return s;
        // Readers in other processes may keep the checkpoint from finishing;
        // that is not an error, the WAL is simply truncated later.
        auto checkpoint = conn_->query("PRAGMA wal_checkpoint(TRUNCATE)");
        if (!checkpoint) return checkpoint.error();
        auto row = checkpoint->step();
        if (!row && !sql::is_busy(row.error())) return row.error();
        return {};
    });
}

Status CacheDb::put_state(std::string_view key, std::string_view value) noexcept {
    return sql::guarded([&]() -> Status {
        if (key.empty()) return make_error(Errc::invalid_parameter, "empty cache state key");
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::write, [&]() -> Status {
            auto q = conn_->query("INSERT OR REPLACE INTO client_state (" ANIDB_CLIENT_STATE_COLUMNS
                                  ", checksum) VALUES (?1, ?2,"
                                  " anidb_checksum('client_state', ?1, ?2))");
            if (!q) return q.error();
            return q->bind(1, key).bind(2, value).run();
        });
    });
}

Result<std::optional<std::string>> CacheDb::get_state(std::string_view key) noexcept {
    using R = Result<std::optional<std::string>>;
    bool damaged = false;
    R found = sql::guarded([&]() -> R {
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::read, [&]() -> R {
            auto q = conn_->query(
                "SELECT key, value, checksum = "
                "anidb_checksum('client_state', " ANIDB_CLIENT_STATE_COLUMNS
                ") FROM client_state WHERE key = ?1");
            if (!q) return q.error();
            auto row = q->bind(1, key).step();
            if (!row) return row.error();
            damaged = false;
            if (!*row) return std::optional<std::string>();
            if (q->column_int64(2) != 1 || q->column_text(0) != key) {
                damaged = true;
                return std::optional<std::string>();
            }
            return std::optional<std::string>(q->column_text(1));
        });
    });
    if (damaged) report_corrupt("client state", key);
    return found;
}

Status CacheDb::erase_state(std::string_view key) noexcept {
    return sql::guarded([&]() -> Status {
        std::lock_guard lock(mutex_);
        return sql::run_transaction(*conn_, sql::TxKind::write, [&]() -> Status {
            auto q = conn_->query("DELETE FROM client_state WHERE key = ?1");
            if (!q) return q.error();
            return q->bind(1, key).run();
        });
    });
}

}  // namespace anidb::cache
