// The checks every command applies to its request and its reply (shared by
// commands.cc, metadata_commands.cc and mylist_commands.cc): a reply code
// the command does not expect, a reply about something else than what was
// asked, and a request too long for one datagram. Pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "anidb/codec.h"
#include "common/result.h"

namespace anidb::udp {

// Longest request datagram: AniDB's 1400 bytes, less room for the session
// key and the tag Session adds.
inline constexpr size_t kMaxRequestBytes = 1400 - 40;

// Errc::protocol: "<command>: unexpected reply <code> <escaped text>".
Error unexpected_reply(const char* command, const Reply& r);

// Errc::protocol: the reply is not about what was asked; never used, never
// cached (a spoofed or confused answer cannot be planted).
Error not_ours(const char* command, const std::string& what);

// not_ours unless `got` equals `asked` ("asked fid 1, got fid 2").
Status expect_id(const char* command, const char* name, int64_t asked, int64_t got);

// Errc::invalid_parameter when the encoded request would not fit one
// datagram (nothing is sent).
Status check_fits(const Command& c);

}  // namespace anidb::udp
