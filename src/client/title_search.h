// TitleSearch: the client's offline title search over the titles dump at the
// configured titles_url (titles/title_index.h, kept in the cache database
// file).
//
// Thread safety: every member may be called from several threads at once.
#pragma once

#include <stop_token>
#include <string_view>

#include "client/client_context.h"

namespace anidb::client {

class TitleSearch {
  public:
    explicit TitleSearch(ClientContext& context) : context_(context) {}

    // Client::titles_* (client.h).
    Result<titles::SearchResult> search(std::string_view text, std::string_view lang, size_t limit);
    Result<titles::RefreshResult> update(bool force, const std::stop_token& stop);
    Result<titles::TitleIndexStatus> status();

  private:
    ClientContext& context_;
};

}  // namespace anidb::client
