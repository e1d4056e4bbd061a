// How a client tells its caller about cache problems that fail no call: a
// damaged entry (treated as absent, the file hashed again), hashes that could
// not be stored (disk full, I/O error), a lookup or AniDB answer that could
// not be read or written. Each kind is reported once when first met, and at
// the end of a run (a batch, the client's destruction) a summary says how
// many more there were. A report goes to the client's ERROR callbacks as
// Errc::cache with the file concerned (the C ABI's ANIDB_ERROR_CACHE; the C
// layer also makes it the client's last error), to its event queue as a
// CACHE_MISS event whose context starts with "cache problem: ", and to
// stderr with debug logging.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "cache/cache_db.h"
#include "common/error.h"

namespace anidb::client {

class ClientContext;

class CacheReports {
  public:
    explicit CacheReports(ClientContext& context) : context_(context) {}

    // The cache's ProblemListener (any thread).
    void on_problem(const cache::Problem& problem) noexcept;
    // A failed lookup or store the caller carried on without.
    void on_failure(const Error& error, const std::string& path = {}) noexcept;
    // A damaged hash entry met while verify_existing was asked for: said
    // for every such file, since the caller asked about this one.
    void on_unverifiable(const std::string& path) noexcept;
    // At the end of a run: what was met beyond the first reports.
    void summarise() noexcept;

  private:
    void emit(const std::string& message, const std::string& path) noexcept;

    ClientContext& context_;
    std::mutex mutex_;
    bool failure_reported_ = false;
    uint64_t corrupt_ = 0, corrupt_told_ = 0;
    uint64_t unstored_ = 0, unstored_told_ = 0;
    std::string unstored_reason_;
};

}  // namespace anidb::client
