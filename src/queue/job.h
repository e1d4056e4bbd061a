// The jobs of the persistent AniDB work queue (work_queue.h): what is asked
// (a std::variant, one alternative per kind of work), for which file, why it
// waits, and how often it was tried. Value types, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "anidb/mylist_commands.h"
#include "common/result.h"

namespace anidb::queue {

// Every job is about one local file, named by what AniDB knows it by. Jobs
// of one file run in the order they were asked for.
struct FileKey {
    uint64_t size = 0;
    std::string ed2k;  // 32 hex digits, stored lower case

    bool operator==(const FileKey&) const = default;
};
// Errc::invalid_parameter unless size > 0 (and fits int64) and ed2k is 32
// hex digits; the lower-cased key otherwise.
Result<FileKey> make_file_key(uint64_t size, std::string_view ed2k);

// FILE: learn what AniDB knows of the file (the executor caches the answer).
struct IdentifyJob {};
// MYLISTADD: put the file in MyList with these values (an entry that is
// already there is set to them).
struct AddJob {
    udp::MylistValues values;
};
// MYLISTADD edit=1: set these values on the file's existing entry.
struct EditJob {
    udp::MylistValues values;
};
// MYLISTDEL: take the file out of MyList.
struct RemoveJob {};
// "Mark watched" / "unwatched" (mylist/watched_plan.h).
struct WatchedJob {
    bool watched = true;
    std::optional<int64_t> date;  // the date the user gave
    int64_t asked_at = 0;         // when it was asked: the viewing date otherwise
};
using JobSpec = std::variant<IdentifyJob, AddJob, EditJob, RemoveJob, WatchedJob>;

// Stored numbers of the kinds (never renumber).
enum class JobKind : int { identify = 1, add = 2, edit = 3, remove = 4, watched = 5 };
JobKind kind_of(const JobSpec& spec);
const char* kind_name(JobKind kind);  // "identify", "mylist add", ...

// Errc::invalid_parameter for values MYLISTADD would refuse
// (udp::check_values), an edit that sets nothing, a time out of range.
Status check_spec(const JobSpec& spec);

// Why a pending job is not sent yet (stored numbers; never renumber).
enum class WaitReason : int {
    none = 0,             // due: waits only for its turn
    cooldown = 1,         // AniDB banned this IP (555) or is out of service (601)
    no_answer = 2,        // AniDB did not answer (time-out): back-off
    server_busy = 3,      // 602 / 604 after the session's own retries
    no_credentials = 4,   // no user name / password yet, or AniDB refused them
    unknown_file = 5,     // AniDB does not know the file (yet): back-off
    interrupted = 6,      // the process running it ended before recording its result
    local_error = 7,      // the cache database or the host-wide state failed
    server_error = 8,     // 600 / 6xx: AniDB failed on this request
    client_rejected = 9,  // 503 / 504: this client version is refused
};
const char* reason_name(WaitReason reason);  // "cool-down", "no answer", ...

enum class JobState : int {
    pending = 0,  // waiting or due
    failed = 2,   // will not be tried again (detail says why); `clear` drops it
};

struct Job {
    int64_t id = 0;  // order of asking (never reused)
    FileKey file;
    JobSpec spec;
    JobState state = JobState::pending;
    bool running = false;  // claimed by a live process right now
    WaitReason reason = WaitReason::none;
    std::string detail;  // the last error's message (escaped server text), or ""
    int attempts = 0;    // times it was tried and did not complete
    int64_t created_at = 0, next_try_at = 0, updated_at = 0;  // Unix time
};

}  // namespace anidb::queue
