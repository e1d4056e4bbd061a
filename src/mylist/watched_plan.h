// "Mark watched" (the call a player makes when an episode ends) decided
// from the local MyList state, so that a repeat costs no packet:
//
//   known state                  watched                     unwatched
//   entry, watched               nothing (*)                 edit viewed=0
//   entry, not watched           edit viewed=1, viewdate     nothing
//   not in MyList                add state=1 viewed=1        nothing
//   unknown, or older than       add state=1 viewed=1 (**)   ask AniDB (MYLIST by fid)
//   kLocalStateTrust
//
// (*) unless an explicit date differs from the one recorded: then the
//     date is edited. Without an explicit date, the first viewing counts.
// (**) one packet when the file is new to MyList (210); when AniDB answers
//     310 with the entry, record it and plan again: nothing more when the
//     entry was already watched, else one edit.
// An unwatched file is never added to MyList. Edits go by lid (what AniDB
// prefers). After each answer the caller records it (mylist_store.h) and,
// for AskAniDB or a 310 / 411, plans again; a plan made from a fresh answer
// never asks again. Pure functions, thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <variant>

#include "anidb/mylist_commands.h"
#include "mylist/mylist_store.h"

namespace anidb::mylist {

// How long a local state is believed without asking AniDB (the user may
// change MyList on the website meanwhile).
inline constexpr std::chrono::days kLocalStateTrust{7};

struct WatchedWish {
    bool watched = true;
    // The viewing date the user gave; unset: asked_at for a new viewing.
    std::optional<int64_t> date;
    // When the user asked (Unix time): the viewing date of a new viewing
    // without an explicit one, also when the request waited in the queue.
    int64_t asked_at = 0;
};

struct NothingToSend {};
struct EditEntry {
    int64_t lid = 0;
    udp::MylistValues values;
};
struct AddFile {
    udp::MylistValues values;
};
struct AskAniDB {};
using WatchedPlan = std::variant<NothingToSend, EditEntry, AddFile, AskAniDB>;

// `now` (Unix time) decides whether the known state is still believed.
WatchedPlan plan_watched(const std::optional<LocalState>& known, const WatchedWish& wish,
                         int64_t now);

}  // namespace anidb::mylist
