// The AniDB commands libanidb uses, on top of Session::call: FILE here,
// ANIME / EPISODE / GROUP in metadata_commands.h, the MyList commands in
// mylist_commands.h (all three reachable through this header). Each returns
// the decoded record or an Error: the Session's error mapping, plus
// Errc::no_such_file (320 / 330 / 340 / 350: AniDB does not know the id or
// hash) and Errc::protocol for a reply that cannot be decoded or that does
// not answer what was asked: a FILE reply must carry the size and ED2K of
// the request (and the fid, when asked by fid), an ANIME / EPISODE / GROUP
// reply the id asked for, a MyList entry the file or entry asked for. Such a
// reply is never returned (so never cached): a spoofed or confused answer
// about another file cannot be planted. Every call ends early with
// Errc::cancelled when `stop` is triggered.
// Thread-safe as far as Session is (calls are serialised there).
#pragma once

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "anidb/metadata_commands.h"
#include "anidb/mylist_commands.h"
#include "anidb/records.h"
#include "anidb/session.h"

namespace anidb::udp {

// FILE size=&ed2k=&fmask=79F8EBE800&amask=B0E0F0C0 (full-length masks).
// On 322 (several files share size+ed2k) the lowest fid is fetched with
// file_by_id and every fid is listed in FileInfo::all_fids.
Result<FileInfo> file_by_hash(Session& session, uint64_t size, std::string_view ed2k,
                              const std::stop_token& stop = {});
Result<FileInfo> file_by_id(Session& session, int64_t fid, std::stop_token stop = {});

// MYLISTADD in the one-struct form src/client uses; the variant forms of
// mylist_commands.h (mylist_add, mylist_edit) say the same more exactly and
// are what this calls.
struct MylistAddRequest {
    // Selector: fid when > 0, else size + ed2k, else (edit only) lid.
    int64_t fid = 0;
    uint64_t size = 0;
    std::string ed2k;
    int64_t lid = 0;
    // Values; unset ones are not sent.
    std::optional<int> state;  // 0 unknown, 1 HDD, 2 CD/DVD, 3 deleted, 4 remote
    std::optional<bool> viewed;
    std::optional<int64_t> viewdate;  // Unix time
    std::optional<std::string> source, storage, other;
    bool edit = false;  // edit=1: change the existing entry
};

enum class MylistOutcome { added, already_present, edited };

struct MylistAddResult {
    int64_t lid = 0;  // 0 when AniDB did not say (an edit without a known lid)
    MylistOutcome outcome = MylistOutcome::added;
    std::optional<MylistEntry> entry;  // already_present: the current record (310)
};

// MYLISTADD. 210 -> added (lid), 310 -> already_present (also the answer to
// a retransmission whose first copy was added: a success), 311 -> edited,
// 411 -> Errc::no_such_file ("no such MyList entry"), 320 -> no_such_file,
// 322 -> Errc::protocol (ambiguous selector). A 310 entry must be the fid
// (or lid) asked for.
Result<MylistAddResult> mylist_add(Session& session, const MylistAddRequest& request,
                                   std::stop_token stop = {});

}  // namespace anidb::udp
