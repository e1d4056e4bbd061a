// Plain C++ value types of the client layer: what process_file, batches and
// identification return. src/capi converts them into tracked C structures.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "hash/algorithm.h"

namespace anidb::client {

enum class FileStatus { pending = 0, processing = 1, completed = 2, failed = 3, cancelled = 4 };

struct FileResult {
    std::string path;
    uint64_t size = 0;
    FileStatus status = FileStatus::pending;
    std::vector<hash::Digest> hashes;  // in the order requested
    uint64_t processing_time_ms = 0;
    Errc error = Errc::ok;      // why it failed or was cancelled
    std::string error_message;  // empty unless failed or cancelled
    bool from_cache = false;    // every digest came from the cache
    // ED2K's other ("blue") variant: set when ED2K was asked for and the
    // size is a non-zero multiple of the ED2K chunk, where the variants
    // differ; from the same read as ED2K, or from the cache, which keeps
    // both.
    std::string ed2k_blue;
};

// ED2K's blue variant of a result: ed2k_blue where the variants differ, else
// the ED2K value itself (they are equal); empty when the result has no ED2K.
// The one rule for "blue of a result" (the CLI's ed2k-blue, the C ABI's
// ANIDB_HASH_ED2K_BLUE).
inline std::string_view ed2k_blue_or_red(const FileResult& r) noexcept {
    if (!r.ed2k_blue.empty()) return r.ed2k_blue;
    for (const auto& d : r.hashes) {
        if (d.algorithm == hash::Algorithm::ed2k) return d.value;
    }
    return {};
}

struct BatchResult {
    std::vector<FileResult> results;  // input order
    size_t successful = 0;
    size_t failed = 0;
    uint64_t total_time_ms = 0;
};

// (percentage 0..100, bytes done, bytes total)
using ProgressFn = std::function<void(float, uint64_t, uint64_t)>;

struct ProcessOptions {
    std::vector<hash::Algorithm> algorithms;
    bool report_to_client_callbacks = false;  // anidb_process_options_t.enable_progress
    bool verify_existing = false;
    bool use_cache = true;   // store into the cache (the CLI's --no-cache: false)
    bool read_cache = true;  // answer from the cache when it has every value
    ProgressFn progress;     // per call, optional
};

// The order in which a batch hands its per-file results to on_file_done.
enum class BatchOrder {
    completion,  // as each file completes
    input,       // in the order of the paths (a result waits for those before it)
};

struct BatchOptions {
    std::vector<hash::Algorithm> algorithms;
    size_t max_concurrent = 0;  // 0: the client's max_concurrent_files, then one per core
    bool continue_on_error = true;
    bool skip_existing = false;
    bool use_cache = true;
    // Streaming when false: each result goes only to on_file_done and
    // BatchResult::results stays empty, so memory does not grow with the
    // file count.
    bool keep_results = true;
    BatchOrder order = BatchOrder::completion;
    // Files read at once per device; 0: the client's io.readers_* options.
    size_t readers_per_device = 0;
    ProgressFn progress;  // whole batch, by bytes
    // Each file's result, on a worker thread, one call at a time and
    // serialised with the client's callbacks. The result may be moved from.
    std::function<void(size_t index, FileResult&)> on_file_done;
    // A worker (0 .. max_concurrent-1) starts file `index`, and has read
    // `bytes` of it so far (status displays; any thread, not serialised).
    std::function<void(size_t worker, size_t index)> on_file_start;
    std::function<void(size_t worker, size_t index, uint64_t bytes)> on_file_bytes;
};

// What AniDB (or the cache) says about a file.
struct AnimeInfo {
    uint64_t file_id = 0, anime_id = 0, episode_id = 0, group_id = 0, mylist_id = 0;
    uint64_t file_size = 0;
    std::string ed2k;
    std::string title_romaji, title_english, title_kanji;
    std::string episode_number;  // "03", "S1"
    std::string episode_title;   // English
    std::string episode_title_romaji, episode_title_kanji;
    std::string group_name, group_short_name;
    std::string anime_type, year, quality, file_source, resolution, crc32, md5, sha1;
    std::string video_codec;
    std::string audio_codecs;        // one per stream, joined by ','
    std::string audio_languages;     // dub language per audio stream, joined by ','
    std::string subtitle_languages;  // one per subtitle stream, joined by ','
    int64_t aired = 0;               // the episode's air date, Unix time; 0 unknown
    uint32_t version = 0;            // 2..5 when AniDB's state bits say so; 0 otherwise
    bool from_cache = false;
};

struct MylistWishes {
    std::optional<int> state;  // 0..4
    std::optional<bool> viewed;
    int64_t viewdate = 0;
    std::optional<std::string> source, storage, other;
    bool edit = false;  // change the existing entry only, never add one
};

// What `anidb session status` shows (Client::session_status).
struct SessionStatus {
    bool logged_in = false;  // this client holds a session now
    // A session kept for reuse by an earlier process (the key is not shown).
    bool stored = false;
    uint16_t stored_local_port = 0;  // reusable from this local port only
    std::chrono::system_clock::time_point stored_last_used{};
    bool stored_reusable = false;  // used within the reuse window (20 min)
    // A cool-down in force: Errc::banned (555), Errc::out_of_service (601)
    // or Errc::timeout (the back-off after exchanges AniDB did not answer).
    Errc cooldown = Errc::ok;
    std::chrono::system_clock::time_point cooldown_until{};
    std::string cooldown_reason;  // the server's text
};

enum class MylistOutcome { added = 0, already_present = 1, updated = 2 };
struct MylistResult {
    uint64_t mylist_id = 0;
    MylistOutcome outcome = MylistOutcome::added;
    bool from_local_state = false;
};

}  // namespace anidb::client
