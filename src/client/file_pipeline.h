// FilePipeline: one file through the cache and the hashing engine — the
// cache lookup, the events, the hashing, the store and the FileResult. The
// Client's process_file comes here; the batch engine (batch/batch_engine.h)
// looks many files up at once and drives begin_file/finish_file itself.
//
// Thread safety: every member may be called from several threads at once.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "cache/cache_db.h"
#include "client/client_context.h"
#include "client/events.h"
#include "client/types.h"
#include "hash/hash_file.h"

namespace anidb::client {

// What the cache knows about a file before it is hashed.
struct CacheLookup {
    bool usable = false;                          // store results in the cache
    std::optional<cache::FileIdentity> identity;  // set when usable
    std::map<int, std::string> cached;            // digests to answer from
    bool corrupt = false;                         // the entry for the path was damaged
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// A file whose opening events are sent and whose hashing is under way
// (FilePipeline::begin_file); FilePipeline::finish_file completes it.
struct PendingFile {
    CacheLookup lookup;
    FileResult result;                     // path, size so far, status processing
    std::vector<Event> opening;            // held back until FILE_COMPLETE when nothing is hashed
    std::vector<hash::Algorithm> to_hash;  // empty: answered from the cache
};

class FilePipeline {
  public:
    explicit FilePipeline(ClientContext& context) : context_(context) {}

    // Client::process_file: the file, then its report (report_outcome).
    Result<FileResult> process_file(const std::filesystem::path& path,
                                    const ProcessOptions& options, std::stop_token stop);
    // process_file without the ERROR/COMPLETION report (a batch reports per
    // file and once at its end; an operation reports after storing its
    // outcome).
    Result<FileResult> process_file_silently(const std::filesystem::path& path,
                                             const ProcessOptions& options, std::stop_token stop);
    // ERROR for a failed file, then COMPLETION.
    void report_outcome(const std::filesystem::path& path, const Result<FileResult>& outcome);

    // What the cache knows about `path` (file_not_found etc. for a file that
    // cannot be stat()ed while the cache is in use).
    Result<CacheLookup> look_up(const std::string& path, const ProcessOptions& options);
    // process_file after the cache lookup (the batch engine looks up many
    // files at once and comes in here).
    Result<FileResult> process_looked_up(const std::string& path, const ProcessOptions& options,
                                         std::stop_token stop, CacheLookup lookup);
    // process_looked_up in two halves around the hashing, for callers that
    // hash several files at once (the batch engine's lanes). begin_file sends
    // FILE_START, CACHE_HIT/MISS and HASH_START when the file needs hashing
    // (PendingFile::to_hash); finish_file takes the digests (nullptr when
    // nothing was hashed), sends the rest, stores them in the cache and
    // builds the result.
    PendingFile begin_file(const std::string& path, const ProcessOptions& options,
                           CacheLookup lookup);
    Result<FileResult> finish_file(PendingFile pending, const ProcessOptions& options,
                                   hash::FileHashes* hashed);

  private:
    ClientContext& context_;
};

}  // namespace anidb::client
