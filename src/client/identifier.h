// Identifier: which anime, episode and group a file is — the cache first,
// AniDB (FILE, then ANIME / EPISODE / GROUP for what the FILE answer left
// empty) only when the cache has no fresh answer; a chunk-multiple file
// AniDB does not know is asked again with the other ED2K variant.
//
// Thread safety: every member may be called from several threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stop_token>
#include <string_view>

#include "client/anidb_session_link.h"
#include "client/client_context.h"
#include "client/file_pipeline.h"
#include "client/types.h"

namespace anidb::client {

class Identifier {
  public:
    // `files` hashes a file for identify_path.
    Identifier(ClientContext& context, AnidbSessionLink& link, FilePipeline& files)
        : context_(context), link_(link), files_(files) {}

    // Client::identify, identify_path, identify_hashed (client.h).
    Result<AnimeInfo> identify(uint64_t size, std::string_view ed2k, const std::stop_token& stop);
    Result<AnimeInfo> identify_path(const std::filesystem::path& path, const std::stop_token& stop);
    Result<AnimeInfo> identify_hashed(const std::filesystem::path& path, uint64_t size,
                                      std::string_view ed2k, const std::stop_token& stop,
                                      std::string_view ed2k_blue);

  private:
    ClientContext& context_;
    AnidbSessionLink& link_;
    FilePipeline& files_;
};

}  // namespace anidb::client
