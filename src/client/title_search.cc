#include "client/title_search.h"

#include "client/joint_stop.h"

namespace anidb::client {

Result<titles::SearchResult> TitleSearch::search(std::string_view text, std::string_view lang,
                                                 size_t limit) {
    auto index = context_.title_index();
    if (!index) return index.error();
    return (*index)->search(text, lang, limit);
}

Result<titles::RefreshResult> TitleSearch::update(bool force, const std::stop_token& stop) {
    auto index = context_.title_index();
    if (!index) return index.error();
    if (auto running = context_.refuse_if_stopping(); !running) return running.error();
    JointStop joint(stop, context_.shutdown_token());
    titles::RefreshOptions options;
    options.force = force;
    return (*index)->refresh(context_.config_snapshot().titles_url, unix_now(), joint.token(),
                             options);
}

Result<titles::TitleIndexStatus> TitleSearch::status() {
    auto index = context_.title_index();
    if (!index) return index.error();
    return (*index)->status(unix_now());
}

}  // namespace anidb::client
