// Transactions with retry, and the exception barrier of CacheDb's methods.
//
// Several CacheDb objects and several processes share one database file.
// busy_timeout makes SQLite wait for a lock by itself, but some SQLITE_BUSY
// answers bypass that handler (WAL recovery, a reader that must not wait for a
// writer, deadlock avoidance), so every transaction here is run again from
// the start, with growing sleeps, until it succeeds or kLockDeadline passes.
// Writes start with BEGIN IMMEDIATE so that two writers never both hold a read
// snapshot they then try to upgrade (which SQLite answers with BUSY at once).
#pragma once

#include <chrono>
#include <exception>
#include <new>
#include <type_traits>

#include "cache/sqlite_connection.h"

namespace anidb::cache::sql {

// How long one call may keep retrying a locked database before it reports
// Errc::busy. Long: another process may be committing a large batch.
inline constexpr std::chrono::seconds kLockDeadline{30};

// Sleeps 1 ms, 2 ms, 4 ms ... 64 ms (with jitter) between attempts.
class Backoff {
  public:
    Backoff();
    // Sleeps before the next attempt; false when the deadline has passed.
    bool wait();

  private:
    std::chrono::steady_clock::time_point deadline_;
    unsigned attempt_ = 0;
};

enum class TxKind { read, write };

// Runs `body` (returning Result<T> or Status) inside one transaction,
// retrying while SQLite reports the database locked. The transaction is
// rolled back if `body` fails or throws.
template <typename Body>
auto run_transaction(Connection& conn, TxKind kind, Body&& body) -> std::invoke_result_t<Body&> {
    using R = std::invoke_result_t<Body&>;
    struct RollbackOnExit {
        Connection& conn;
        bool armed = true;
        ~RollbackOnExit() {
            if (armed) conn.rollback();
        }
    };
    Backoff backoff;
    for (;;) {
        Status begun = conn.run_cached(kind == TxKind::write ? "BEGIN IMMEDIATE" : "BEGIN");
        if (!begun) {
            if (is_busy(begun.error()) && backoff.wait()) continue;
            return begun.error();
        }
        RollbackOnExit guard{conn};
        R result = body();
        if (!result.ok()) {
            if (is_busy(result.error())) {
                conn.rollback();
                if (backoff.wait()) continue;
            }
            return result;
        }
        Status committed = conn.run_cached("COMMIT");
        if (!committed) {
            if (is_busy(committed.error())) {
                conn.rollback();
                if (backoff.wait()) continue;
            }
            return committed.error();
        }
        guard.armed = false;
        return result;
    }
}

// Runs `body` without an explicit transaction (VACUUM, checkpoints), retrying
// while the database is locked.
template <typename Body>
auto run_with_retry(Body&& body) -> std::invoke_result_t<Body&> {
    Backoff backoff;
    for (;;) {
        auto result = body();
        if (result.ok() || !is_busy(result.error()) || !backoff.wait()) return result;
    }
}

// Catches every exception so that none leaves a public CacheDb method. The
// message is built inside its own try: building it may itself run out of memory.
template <typename Body>
auto guarded(Body&& body) noexcept -> std::invoke_result_t<Body&> {
    Errc code = Errc::cache;
    const char* what = "unknown exception";
    try {
        return body();
    } catch (const std::bad_alloc&) {
        code = Errc::out_of_memory;
        what = "out of memory";
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
    }
    try {
        return make_error(code, std::string("cache failure: ") + what);
    } catch (...) {
        return Error{code, {}};
    }
}

}  // namespace anidb::cache::sql
