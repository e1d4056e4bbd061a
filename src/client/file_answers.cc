#include "client/file_answers.h"

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
    {"ep_romaji", &udp::FileInfo::episode_romaji_title, &AnimeInfo::episode_title_romaji},
    {"ep_kanji", &udp::FileInfo::episode_kanji_title, &AnimeInfo::episode_title_kanji},
    {"group", &udp::FileInfo::group_name, &AnimeInfo::group_name},
    {"group_short", &udp::FileInfo::group_short_name, &AnimeInfo::group_short_name},
    {"type", &udp::FileInfo::anime_type, &AnimeInfo::anime_type},
    {"year", &udp::FileInfo::year, &AnimeInfo::year},
    {"quality", &udp::FileInfo::quality, &AnimeInfo::quality},
    {"source", &udp::FileInfo::source, &AnimeInfo::file_source},
    {"resolution", &udp::FileInfo::resolution, &AnimeInfo::resolution},
    {"crc32", &udp::FileInfo::crc32, &AnimeInfo::crc32},
    {"md5", &udp::FileInfo::md5, &AnimeInfo::md5},
    {"sha1", &udp::FileInfo::sha1, &AnimeInfo::sha1},
    {"video_codec", &udp::FileInfo::video_codec, &AnimeInfo::video_codec},
};

// The list fields the client shows, joined by ',' (cached so too).
struct ListRef {
    const char* name;
    std::vector<std::string> udp::FileInfo::*file;
    std::string AnimeInfo::*info;
};
constexpr ListRef kLists[] = {
    {"audio_codecs", &udp::FileInfo::audio_codecs, &AnimeInfo::audio_codecs},
    {"dub_languages", &udp::FileInfo::dub_languages, &AnimeInfo::audio_languages},
    {"sub_languages", &udp::FileInfo::sub_languages, &AnimeInfo::subtitle_languages},
};

// AniDB's state bits 4/8/16/32 mean v2..v5. None of them means v1 or "not
// checked", so it is reported as 0 (unknown) rather than 1.
uint32_t version_from_state(int64_t state) {
    for (uint32_t v = 5; v >= 2; --v) {
        if ((state & (int64_t{1} << v)) != 0) return v;
    }
    return 0;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) {
        if (!out.empty()) out += ',';
        out += s;
    }
    return out;
}

uint64_t to_u64(int64_t v) {
    return v > 0 ? static_cast<uint64_t>(v) : 0;
}

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
    a.fields["state"] = std::to_string(f.state);
    a.fields["aired"] = std::to_string(f.aired);
    for (const auto& ref : kLists) a.fields[ref.name] = join(f.*(ref.file));
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
    for (const auto& ref : kLists) info.*(ref.info) = join(f.*(ref.file));
    info.aired = f.aired;
    info.version = version_from_state(f.state);
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
    for (const auto& ref : kLists) {
        if (auto it = a.fields.find(ref.name); it != a.fields.end()) info.*(ref.info) = it->second;
    }
    if (auto it = a.fields.find("aired"); it != a.fields.end()) {
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), info.aired);
    }
    if (auto it = a.fields.find("state"); it != a.fields.end()) {
        int64_t state = 0;
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), state);
        info.version = version_from_state(state);
    }
    info.from_cache = true;
    return info;
}

}  // namespace anidb::client
