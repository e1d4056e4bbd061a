// The MyList requests of issue 16 carried out against AniDB with the local
// state in front (mylist_store.h): each looks at what is known first and
// sends only what changes something, records every answer, and says how
// many commands it sent (0: answered locally, no login either).
//
//   mark_watched        watched_plan.h's table; a repeat costs nothing
//   add_to_mylist       add the file, or set the values on its entry;
//                       nothing when the known entry has them already
//   edit_in_mylist      set values on the file's entry (by lid when known)
//   remove_from_mylist  MYLISTDEL (by lid when known); nothing when the
//                       file is known not to be in MyList
//   show_mylist         the known state when trusted (kLocalStateTrust),
//                       else MYLIST by fid
//
// A Session is asked for (SessionSource) only when a command must be sent.
// `file` holds the ids of the file's FILE answer (the caller identifies
// it, normally from its cache). `now` is Unix time. Errors: those of the
// commands (mylist_commands.h) and of the store; an answer is recorded
// before the call returns, so a caller that crashes after the packet left
// finds the state the next time, and repeating any of these is harmless.
// Thread-safe as Session and MylistStore are.
#pragma once

#include <functional>
#include <stop_token>

#include "anidb/mylist_commands.h"
#include "mylist/mylist_store.h"
#include "mylist/watched_plan.h"

namespace anidb::mylist {

using SessionSource = std::function<Result<udp::Session*>()>;

struct MylistChange {
    enum class What {
        nothing,  // already as asked: nothing changed
        added,    // a new entry
        edited,   // the entry's values changed
        removed,  // the entry is gone
    };
    What what = What::nothing;
    int64_t lid = 0;   // the entry (0 when there is none now)
    int commands = 0;  // commands sent (retransmissions not counted)
};

Result<MylistChange> mark_watched(const SessionSource& session, MylistStore& store,
                                  const FileIds& file, const WatchedWish& wish, int64_t now,
                                  const std::stop_token& stop = {});
Result<MylistChange> add_to_mylist(const SessionSource& session, MylistStore& store,
                                   const FileIds& file, const udp::MylistValues& values,
                                   int64_t now, const std::stop_token& stop = {});
// Errc::no_such_file when the file is not in MyList.
Result<MylistChange> edit_in_mylist(const SessionSource& session, MylistStore& store,
                                    const FileIds& file, const udp::MylistValues& values,
                                    int64_t now, const std::stop_token& stop = {});
Result<MylistChange> remove_from_mylist(const SessionSource& session, MylistStore& store,
                                        const FileIds& file, int64_t now,
                                        const std::stop_token& stop = {});

struct MylistView {
    LocalState state;
    bool from_local_state = false;  // answered without a packet
};
// `refresh`: ask AniDB even when the local state is trusted.
Result<MylistView> show_mylist(const SessionSource& session, MylistStore& store,
                               const FileIds& file, int64_t now, bool refresh = false,
                               const std::stop_token& stop = {});

// True when `entry` already holds every value `values` sets.
bool entry_has(const udp::MylistEntry& entry, const udp::MylistValues& values);

}  // namespace anidb::mylist
