// `anidb anime show`, `episode show`, `group show`: a record as "key: value"
// lines on stdout. Every value from AniDB is escaped (printable()): server
// text is untrusted.
#pragma once

#include <ostream>

#include "anidb/records.h"
#include "client/collection_types.h"

namespace anidb::cli {

void print_anime(std::ostream& out, const client::Metadata<udp::AnimeInfo>& m);
void print_episode(std::ostream& out, const client::Metadata<udp::EpisodeInfo>& m);
void print_group(std::ostream& out, const client::Metadata<udp::GroupInfo>& m);

}  // namespace anidb::cli
