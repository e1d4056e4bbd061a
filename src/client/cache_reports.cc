#include "client/cache_reports.h"

#include <cstdio>

#include "client/client_context.h"

namespace anidb::client {

void CacheReports::emit(const std::string& message, const std::string& path) noexcept {
    try {
        if (context_.config().debug_logging) {
            std::fprintf(stderr, "anidb: %s\n", message.c_str());
        }
        context_.events().error(Errc::cache, message, path);
        Event e = Event::now(EventType::cache_miss);
        e.subject = path;
        e.context = "cache problem: " + message;
        context_.events().emit(std::move(e));
    } catch (...) {
        // Out of memory building the report: it is lost; nothing failed.
    }
}

void CacheReports::on_problem(const cache::Problem& problem) noexcept {
    try {
        const std::string path = problem.paths.empty() ? std::string() : problem.paths.front();
        std::string message;
        {
            std::lock_guard lock(mutex_);
            if (problem.kind == cache::Problem::Kind::corrupt_entry) {
                if (corrupt_++ == 0) {
                    corrupt_told_ = 1;
                    message =
                        problem.error.message + (path.empty() ? "" : " (the file is hashed again)");
                }
            } else {
                const uint64_t lost = problem.paths.size();
                if (unstored_ == 0) {
                    unstored_told_ = lost;
                    unstored_reason_ = problem.error.message;
                    message = "could not store the hashes of " + std::to_string(lost) +
                              (lost == 1 ? " file" : " files") +
                              (path.empty() ? "" : " (" + path + (lost > 1 ? ", ...)" : ")")) +
                              " in the cache: " + problem.error.message +
                              "; hashing goes on, results may not be cached";
                }
                unstored_ += lost;
            }
        }
        if (!message.empty()) emit(message, path);
    } catch (...) {
    }
}

void CacheReports::on_failure(const Error& error, const std::string& path) noexcept {
    {
        std::lock_guard lock(mutex_);
        if (failure_reported_) return;
        failure_reported_ = true;
    }
    try {
        emit(error.message + " (carrying on without the cache for this call)", path);
    } catch (...) {
    }
}

void CacheReports::on_unverifiable(const std::string& path) noexcept {
    try {
        emit("cache entry corrupt for " + path +
                 ": nothing to verify against; the file was hashed and the entry replaced",
             path);
    } catch (...) {
    }
}

void CacheReports::summarise() noexcept {
    try {
        std::string corrupt, unstored;
        {
            std::lock_guard lock(mutex_);
            if (corrupt_ > corrupt_told_) {
                corrupt = std::to_string(corrupt_) +
                          " damaged cache entries were met in all and treated as absent (the "
                          "database file may be failing: `anidb cache clear` starts afresh)";
                corrupt_told_ = corrupt_;
            }
            if (unstored_ > unstored_told_) {
                unstored = "the hashes of " + std::to_string(unstored_) +
                           " files in all were not stored in the cache: " + unstored_reason_;
                unstored_told_ = unstored_;
            }
        }
        if (!corrupt.empty()) emit(corrupt, {});
        if (!unstored.empty()) emit(unstored, {});
    } catch (...) {
    }
}

}  // namespace anidb::client
