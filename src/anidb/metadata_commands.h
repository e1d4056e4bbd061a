// ANIME, EPISODE and GROUP (docs/anidb-protocol.md, "ANIME, EPISODE and GROUP") by every selector
// the protocol offers, over Session::call. ANIME is sent with the full 7-byte amask of records.h
// (anime_request_amask).
//
// Every reply is checked against its request before it is returned; one
// that does not answer what was asked is refused with Errc::protocol:
//   ANIME aid=      the aid; aname= one of the reply's titles (romaji,
//                   kanji, English, other, short names, synonyms: the
//                   titles AniDB matches a name against) equals the name,
//                   ASCII case and the server's escaping aside
//   EPISODE eid=    the eid; aid=&epno= the aid and the episode number;
//                   aname=&epno= the episode number (an EPISODE line names
//                   no anime, so the anime of a name cannot be checked)
//   GROUP gid=      the gid; gname= the name or the short name
// Every field is read as untrusted input (record_fields.h).
//
// Errors: those of Session::call (session.h), Errc::invalid_parameter for a
// selector this layer refuses to send, Errc::no_such_file for 330 / 340 /
// 350 (AniDB has no such anime, episode, group). Every call ends early with
// Errc::cancelled when `stop` is triggered. Thread-safe as Session is.
// How long to keep the answers: metadata_ttl.h.
#pragma once

#include <cstdint>
#include <stop_token>

#include "anidb/records.h"
#include "anidb/selectors.h"
#include "anidb/session.h"

namespace anidb::udp {

Result<AnimeInfo> anime(Session& session, const AnimeRef& anime, std::stop_token stop = {});
Result<EpisodeInfo> episode(Session& session, const EpisodeRef& episode, std::stop_token stop = {});
Result<GroupInfo> group(Session& session, const GroupRef& group, std::stop_token stop = {});

// By id (the forms src/client uses): anime(session, AnimeId{aid}) etc.
Result<AnimeInfo> anime(Session& session, int64_t aid, std::stop_token stop = {});
Result<EpisodeInfo> episode(Session& session, int64_t eid, std::stop_token stop = {});
Result<GroupInfo> group(Session& session, int64_t gid, std::stop_token stop = {});

}  // namespace anidb::udp
