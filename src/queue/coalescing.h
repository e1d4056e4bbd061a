// How a new job joins the jobs already waiting for its file (the rules of
// docs/mylist-and-metadata.md, "The queue"):
//
//   1. Jobs of one file run in the order they were asked for; a job never
//      overtakes an earlier one of its file.
//   2. A new job merges into the file's LAST pending job when both are of
//      one kind and that job is not running:
//        watched + watched   the newer replaces the older (flag, date)
//        add + add, edit + edit
//                            the values are overlaid, newer ones win
//                            (viewed and its date go together)
//        remove + remove     the new one is a duplicate and is dropped
//      Anything else is appended, so "add, remove, add" stays three jobs
//      and a remove after an add stays after it.
//   3. identify is dropped when an identify of the file already waits
//      (anywhere in its line): it asks nothing new.
// Merging is what running the two jobs back to back would leave in
// MyList, in one exchange instead of two. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>

#include "queue/job.h"

namespace anidb::queue {

struct TailJob {
    int64_t id = 0;
    JobSpec spec;
    bool running = false;
};

struct Append {};
struct MergeInto {
    int64_t id = 0;
    JobSpec merged;
};
struct DropAsDuplicate {
    int64_t id = 0;  // the job that already asks for it
};
using Coalesced = std::variant<Append, MergeInto, DropAsDuplicate>;

// `tail`: the file's last pending job, if any; `waiting_identify`: the id
// of a pending identify of the file that is not running, if any.
Coalesced coalesce(const std::optional<TailJob>& tail, std::optional<int64_t> waiting_identify,
                   const JobSpec& incoming);

// `older` with every value `newer` sets (viewed and viewdate as one).
udp::MylistValues overlay(udp::MylistValues older, const udp::MylistValues& newer);

}  // namespace anidb::queue
