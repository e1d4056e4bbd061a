#include "client/anidb_link.h"

#include <charconv>

namespace anidb::client {
namespace {

// The FileInfo fields the client shows, by the name they are cached under.
struct FieldRef {
    const char* name;
    std::string udp::FileInfo::*file;
    std::string AnimeInfo::*info;
};
constexpr FieldRef kFields[] = {
    {"romaji", &udp::FileInfo::romaji_title, &AnimeInfo::title_romaji},
    {"english", &udp::FileInfo::english_title, &AnimeInfo::title_english},
    {"kanji", &udp::FileInfo::kanji_title, &AnimeInfo::title_kanji},
    {"epno", &udp::FileInfo::epno, &AnimeInfo::episode_number},
    {"ep_english", &udp::FileInfo::episode_english_title, &AnimeInfo::episode_title},
    {"group", &udp::FileInfo::group_name, &AnimeInfo::group_name},
    {"group_short", &udp::FileInfo::group_short_name, &AnimeInfo::group_short_name},
    {"type", &udp::FileInfo::anime_type, &AnimeInfo::anime_type},
    {"year", &udp::FileInfo::year, &AnimeInfo::year},
    {"quality", &udp::FileInfo::quality, &AnimeInfo::quality},
    {"source", &udp::FileInfo::source, &AnimeInfo::file_source},
    {"resolution", &udp::FileInfo::resolution, &AnimeInfo::resolution},
    {"crc32", &udp::FileInfo::crc32, &AnimeInfo::crc32},
};

uint64_t to_u64(int64_t v) { return v > 0 ? static_cast<uint64_t>(v) : 0; }

}  // namespace

cache::CacheDb::FileAnswer to_cached_answer(const udp::FileInfo& f, int64_t now) {
    cache::CacheDb::FileAnswer a;
    a.size = f.size;
    a.ed2k = f.ed2k;
    a.fid = to_u64(f.fid);
    a.aid = to_u64(f.aid);
    a.eid = to_u64(f.eid);
    a.gid = to_u64(f.gid);
    a.fetched_at = now;
    for (const auto& ref : kFields) a.fields[ref.name] = f.*(ref.file);
    a.fields["lid"] = std::to_string(f.lid);
    return a;
}

AnimeInfo from_file_info(const udp::FileInfo& f) {
    AnimeInfo info;
    info.file_id = to_u64(f.fid);
    info.anime_id = to_u64(f.aid);
    info.episode_id = to_u64(f.eid);
    info.group_id = to_u64(f.gid);
    info.mylist_id = to_u64(f.lid);
    info.file_size = f.size;
    info.ed2k = f.ed2k;
    for (const auto& ref : kFields) info.*(ref.info) = f.*(ref.file);
    return info;
}

AnimeInfo from_cached_answer(const cache::CacheDb::FileAnswer& a) {
    AnimeInfo info;
    info.file_id = a.fid;
    info.anime_id = a.aid;
    info.episode_id = a.eid;
    info.group_id = a.gid;
    info.file_size = a.size;
    info.ed2k = a.ed2k;
    for (const auto& ref : kFields) {
        if (auto it = a.fields.find(ref.name); it != a.fields.end()) info.*(ref.info) = it->second;
    }
    if (auto it = a.fields.find("lid"); it != a.fields.end()) {
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), info.mylist_id);
    }
    info.from_cache = true;
    return info;
}

}  // namespace anidb::client
