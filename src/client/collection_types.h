// Value types of the client's MyList, metadata, title and queue calls
// (client.h): what a MyList change did, what a show found, and where a
// metadata record came from.
#pragma once

#include <cstdint>
#include <string>

#include "anidb/mylist_records.h"
#include "queue/queue_runner.h"
#include "queue/work_queue.h"
#include "titles/title_index.h"

namespace anidb::client {

enum class MylistChangeKind {
    nothing = 0,          // already as asked: nothing sent
    added = 1,            // a new entry
    edited = 2,           // the entry's values changed
    removed = 3,          // the entry is gone
    queued = 4,           // kept in the work queue: sent later (job_id, reason, next_try_at)
    done_from_queue = 5,  // queued behind earlier jobs of the file, and sent with them now
};

struct MylistChangeResult {
    MylistChangeKind what = MylistChangeKind::nothing;
    int64_t lid = 0;   // the entry (0 when there is none, or not known)
    int commands = 0;  // AniDB commands sent for this call (0: answered locally)
    // queued only:
    int64_t job_id = 0;
    queue::WaitReason reason = queue::WaitReason::none;
    std::string detail;       // why it waits (the error's message)
    int64_t next_try_at = 0;  // Unix time
};

struct MylistShowResult {
    bool in_mylist = false;
    udp::MylistEntry entry;         // when in_mylist
    int64_t fid = 0;                // the file
    bool from_local_state = false;  // answered without a packet
    int64_t confirmed_at = 0;       // when AniDB last said so (Unix time)
};

template <typename Record>
struct Metadata {
    Record record;
    bool from_cache = false;
    int64_t fetched_at = 0;  // when AniDB sent it (Unix time)
    int64_t expires_at = 0;  // asked again after this (Unix time)
};

}  // namespace anidb::client
