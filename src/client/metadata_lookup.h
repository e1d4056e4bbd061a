// MetadataLookup: anime, episode and group information (ANIME, EPISODE,
// GROUP) through the cache, kept as anidb/metadata_ttl.h says; a name or an
// anime+episode number is remembered with the id it led to.
//
// Thread safety: every member may be called from several threads at once.
#pragma once

#include <stop_token>

#include "anidb/metadata_commands.h"
#include "client/anidb_session_link.h"
#include "client/client_context.h"
#include "client/collection_types.h"
#include "client/types.h"

namespace anidb::client {

class MetadataLookup {
  public:
    MetadataLookup(ClientContext& context, AnidbSessionLink& link)
        : context_(context), link_(link) {}

    // Client::anime_show, episode_show, group_show (client.h).
    Result<Metadata<udp::AnimeInfo>> anime(const udp::AnimeRef& anime, const std::stop_token& stop);
    Result<Metadata<udp::EpisodeInfo>> episode(const udp::EpisodeRef& episode,
                                               const std::stop_token& stop);
    Result<Metadata<udp::GroupInfo>> group(const udp::GroupRef& group, const std::stop_token& stop);

  private:
    template <typename T>
    Result<Metadata<typename T::Record>> show(const typename T::Ref& ref,
                                              const std::stop_token& stop);

    ClientContext& context_;
    AnidbSessionLink& link_;
};

}  // namespace anidb::client
