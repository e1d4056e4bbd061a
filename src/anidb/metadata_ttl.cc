#include "anidb/metadata_ttl.h"

namespace anidb::udp {
namespace {

constexpr int64_t kWeek = std::chrono::seconds(kChangingRecordTtl).count();

}  // namespace

std::chrono::seconds anime_ttl(const AnimeInfo& anime, int64_t now) {
    const bool ended = (anime.dateflags & kAnimeEndedFlag) != 0 ||
                       (anime.end_date > 0 && anime.end_date < now - kWeek);
    return ended ? kSettledRecordTtl : kChangingRecordTtl;
}

std::chrono::seconds episode_ttl(const EpisodeInfo& episode, int64_t now) {
    const bool settled = episode.aired > 0 && episode.aired < now - kWeek;
    return settled ? kSettledRecordTtl : kChangingRecordTtl;
}

std::chrono::seconds group_ttl(const GroupInfo&) {
    return kSettledRecordTtl;
}

}  // namespace anidb::udp
