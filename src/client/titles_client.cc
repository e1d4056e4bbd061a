// Client's offline title search over the titles dump at the configured URL
// (titles/title_index.h, in the cache database file).
#include "client/client.h"
#include "client/client_impl.h"

namespace anidb::client {

Result<titles::SearchResult> Client::titles_search(std::string_view text, std::string_view lang,
                                                   size_t limit) {
    auto index = title_index(*impl_);
    if (!index) return index.error();
    return (*index)->search(text, lang, limit);
}

Result<titles::RefreshResult> Client::titles_update(bool force, const std::stop_token& stop) {
    auto index = title_index(*impl_);
    if (!index) return index.error();
    if (impl_->shutting_down) return make_error(Errc::cancelled, "the client is shutting down");
    JointStop joint(stop, impl_->shutdown_source.get_token());
    titles::RefreshOptions options;
    options.force = force;
    return (*index)->refresh(config_snapshot().titles_url, unix_now(), joint.token(), options);
}

Result<titles::TitleIndexStatus> Client::titles_status() {
    auto index = title_index(*impl_);
    if (!index) return index.error();
    return (*index)->status(unix_now());
}

}  // namespace anidb::client
