// The MyList commands (docs/anidb-protocol.md, "MyList") over Session::call: read an entry or
// an anime's entries (MYLIST), add a file (MYLISTADD), change an entry
// (MYLISTADD edit=1), remove entries (MYLISTDEL).
//
// Every reply is checked against its request before it is returned, and
// one that does not answer what was asked is refused with Errc::protocol
// (never returned, so never recorded): an entry must carry the lid or fid
// asked for (the aid / gid for the anime form, the expected fid of a
// FileHash when given), a summary (312) answers only the anime form, a
// count must be 1 for a single-entry selector. Every field is read as
// untrusted input (record_fields.h); server text in messages is escaped.
//
// Errors: those of Session::call (session.h), Errc::invalid_parameter for a
// selector or value this layer refuses to send (nothing is sent), and
// Errc::no_such_file where listed. Every call ends early with
// Errc::cancelled when `stop` is triggered. Thread-safe as Session is.
//
// Retries and idempotence (what a persistent queue relies on): an add that
// was in fact made before its reply got lost comes back as AlreadyInMylist
// (310), an edit sets absolute values and can be repeated, and a removal of
// an entry that is already gone answers MylistRemoved{0} (411), so every
// command here may be sent again after a crash or a time-out.
#pragma once

#include <optional>
#include <stop_token>
#include <string>
#include <variant>

#include "anidb/mylist_records.h"
#include "anidb/selectors.h"
#include "anidb/session.h"

namespace anidb::udp {

// Longest `source` / `storage` value, and `other` note, sent.
inline constexpr size_t kMaxMylistText = 255;
inline constexpr size_t kMaxMylistNote = 800;

// What MYLISTADD sets; an unset value is not sent (an edit leaves it as it
// is, an add takes AniDB's default).
struct MylistValues {
    std::optional<MylistState> state;
    std::optional<bool> viewed;
    // Unix time of the viewing; only with viewed = true (AniDB ignores it
    // otherwise). Unset with viewed = true: AniDB takes "now".
    std::optional<int64_t> viewdate;
    std::optional<std::string> source, storage;  // one line each
    std::optional<std::string> other;            // may hold line breaks

    bool empty() const { return !state && !viewed && !viewdate && !source && !storage && !other; }
};

// Errc::invalid_parameter for a state outside MylistState, a viewdate
// without viewed = true or outside 1..2^31-1, text that is not UTF-8
// (Errc::invalid_utf8), holds control characters (line breaks are allowed
// in `other` only) or is longer than the limits above.
Status check_values(const MylistValues& values);

// --- MYLIST ---------------------------------------------------------------
struct NotInMylist {};  // 321 NO SUCH ENTRY
// 221 -> MylistEntry, 312 -> MylistSummary (anime form only), 321 ->
// NotInMylist. Errc::no_such_file when AniDB does not know the file, anime
// or group asked for (320 / 330 / 350).
using MylistAnswer = std::variant<NotInMylist, MylistEntry, MylistSummary>;
Result<MylistAnswer> mylist_query(Session& session, const MylistQuery& query,
                                  std::stop_token stop = {});

// --- MYLISTADD (a file) ---------------------------------------------------
struct MylistAdded {
    int64_t lid = 0;  // the new entry (210)
};
struct AlreadyInMylist {
    MylistEntry entry;  // the entry as it is, unchanged (310)
};
using MylistAddAnswer = std::variant<MylistAdded, AlreadyInMylist>;
// Adds the file with `values`. Errc::no_such_file when AniDB does not know
// the file (320); Errc::protocol when size+ED2K matches several files (322).
Result<MylistAddAnswer> mylist_add(Session& session, const FileRef& file,
                                   const MylistValues& values, std::stop_token stop = {});

// --- MYLISTADD edit=1 -----------------------------------------------------
struct MylistEdited {
    int64_t count = 1;  // entries changed
};
// Sets `values` (at least one) on an existing entry: by lid (what AniDB
// prefers), fid, or size+ED2K. Errc::no_such_file when there is no such
// entry (411) or AniDB does not know the file (320).
Result<MylistEdited> mylist_edit(Session& session, const MylistEntryRef& entry,
                                 const MylistValues& values, std::stop_token stop = {});

// --- MYLISTDEL ------------------------------------------------------------
struct MylistRemoved {
    int64_t count = 0;  // entries removed; 0: there was none (411)
};
Result<MylistRemoved> mylist_remove(Session& session, const MylistRemoveRef& entry,
                                    std::stop_token stop = {});

}  // namespace anidb::udp
