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
#include <stop_token>
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

}  // namespace anidb::udp
