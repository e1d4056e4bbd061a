// ANIME, EPISODE and GROUP through the C ABI (through the cache).
#include <limits>

#include "capi/capi_internal.h"
#include "capi/result_block.h"

using namespace anidb;
using namespace anidb::capi;

namespace {

uint64_t id(int64_t v) {
    return v > 0 ? static_cast<uint64_t>(v) : 0;
}

std::string lines(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += '\n';
        out += items[i];
    }
    return out;
}

template <typename Record>
anidb_record_origin_t origin(const client::Metadata<Record>& m) {
    return {m.from_cache ? 1 : 0, m.fetched_at, m.expires_at};
}

Result<int64_t> id_from_c(uint64_t value, const char* what) {
    if (value > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
        return make_error(Errc::invalid_parameter, std::string(what) + " is not an AniDB id");
    }
    return static_cast<int64_t>(value);
}

anidb_anime_t* to_c_anime(const client::Metadata<udp::AnimeInfo>& m) {
    const udp::AnimeInfo& a = m.record;
    ResultBlock block(memory::AllocType::anime, sizeof(anidb_anime_t));
    const std::string* texts[] = {&a.romaji_title, &a.kanji_title, &a.english_title, &a.other_title,
                                  &a.type,         &a.year,        &a.url,           &a.picname};
    size_t at[std::size(texts)];
    for (size_t i = 0; i < std::size(texts); ++i) at[i] = block.add_text(*texts[i]);
    const size_t short_names = block.add_text(lines(a.short_names));
    const size_t synonyms = block.add_text(lines(a.synonyms));
    char* base = block.allocate();
    if (base == nullptr) return nullptr;
    auto* out = reinterpret_cast<anidb_anime_t*>(base);
    out->anime_id = id(a.aid);
    out->title_romaji = block.text(at[0]);
    out->title_kanji = block.text(at[1]);
    out->title_english = block.text(at[2]);
    out->title_other = block.text(at[3]);
    out->type = block.text(at[4]);
    out->year = block.text(at[5]);
    out->url = block.text(at[6]);
    out->picname = block.text(at[7]);
    out->short_names = block.text(short_names);
    out->synonyms = block.text(synonyms);
    out->episodes = a.episodes;
    out->highest_episode = a.highest_episode;
    out->special_count = a.special_count;
    out->air_date = a.air_date;
    out->end_date = a.end_date;
    out->rating = a.rating;
    out->vote_count = a.vote_count;
    out->is_18_restricted = a.is_18_restricted ? 1 : 0;
    out->dateflags = a.dateflags;
    out->origin = origin(m);
    return out;
}

anidb_episode_t* to_c_episode(const client::Metadata<udp::EpisodeInfo>& m) {
    const udp::EpisodeInfo& e = m.record;
    ResultBlock block(memory::AllocType::episode, sizeof(anidb_episode_t));
    const size_t epno = block.add_text(e.epno);
    const size_t english = block.add_text(e.english_title);
    const size_t romaji = block.add_text(e.romaji_title);
    const size_t kanji = block.add_text(e.kanji_title);
    char* base = block.allocate();
    if (base == nullptr) return nullptr;
    auto* out = reinterpret_cast<anidb_episode_t*>(base);
    out->episode_id = id(e.eid);
    out->anime_id = id(e.aid);
    out->epno = block.text(epno);
    out->title_english = block.text(english);
    out->title_romaji = block.text(romaji);
    out->title_kanji = block.text(kanji);
    out->length_minutes = e.length_minutes;
    out->rating = e.rating;
    out->votes = e.votes;
    out->aired = e.aired;
    out->type = static_cast<int>(e.type);
    out->origin = origin(m);
    return out;
}

anidb_group_t* to_c_group(const client::Metadata<udp::GroupInfo>& m) {
    const udp::GroupInfo& g = m.record;
    ResultBlock block(memory::AllocType::group, sizeof(anidb_group_t));
    const size_t name = block.add_text(g.name);
    const size_t short_name = block.add_text(g.short_name);
    const size_t irc_channel = block.add_text(g.irc_channel);
    const size_t irc_server = block.add_text(g.irc_server);
    const size_t url = block.add_text(g.url);
    const size_t picname = block.add_text(g.picname);
    char* base = block.allocate();
    if (base == nullptr) return nullptr;
    auto* out = reinterpret_cast<anidb_group_t*>(base);
    out->group_id = id(g.gid);
    out->name = block.text(name);
    out->short_name = block.text(short_name);
    out->irc_channel = block.text(irc_channel);
    out->irc_server = block.text(irc_server);
    out->url = block.text(url);
    out->picname = block.text(picname);
    out->rating = g.rating;
    out->votes = g.votes;
    out->anime_count = g.anime_count;
    out->file_count = g.file_count;
    out->founded = g.founded;
    out->disbanded = g.disbanded;
    out->last_release = g.last_release;
    out->last_activity = g.last_activity;
    out->origin = origin(m);
    return out;
}

// An anime named by id or by name: exactly one of them.
Result<udp::AnimeRef> anime_ref(uint64_t anime_id, const char* name, const char* what) {
    if (auto ok = check_optional_string(name, what); !ok) return ok.error();
    if ((anime_id != 0) == (name != nullptr)) {
        return make_error(Errc::invalid_parameter,
                          std::string("give either an anime id or ") + what + ", not both");
    }
    if (name != nullptr) return udp::AnimeRef{udp::AnimeName{name}};
    auto aid = id_from_c(anime_id, "anime_id");
    if (!aid) return aid.error();
    return udp::AnimeRef{udp::AnimeId{*aid}};
}

// Converts and hands out a result, or fails with OUT_OF_MEMORY.
template <typename Out, typename Value, typename Convert>
anidb_result_t hand_out(const Result<Value>& r, Out** out, Convert convert) {
    if (!r) return fail(r.error());
    Out* c = convert(*r);
    if (c == nullptr) return fail(Errc::out_of_memory, "out of memory for the record");
    *out = c;
    return ANIDB_SUCCESS;
}

}  // namespace

extern "C" {

anidb_result_t anidb_anime_get(anidb_client_handle_t handle, uint64_t anime_id, const char* name,
                               anidb_anime_t** anime) {
    if (anime != nullptr) *anime = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (anime == nullptr) return fail(Errc::invalid_parameter, "anime is NULL");
        auto ref = anime_ref(anime_id, name, "name");
        if (!ref) return fail(ref.error());
        return hand_out(c.client->anime_show(*ref), anime, to_c_anime);
    });
}

anidb_result_t anidb_episode_get(anidb_client_handle_t handle, uint64_t episode_id,
                                 uint64_t anime_id, const char* anime_name, const char* epno,
                                 anidb_episode_t** episode) {
    if (episode != nullptr) *episode = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (episode == nullptr) return fail(Errc::invalid_parameter, "episode is NULL");
        if (auto ok = check_optional_string(anime_name, "anime_name"); !ok) {
            return fail(ok.error());
        }
        if (auto ok = check_optional_string(epno, "epno"); !ok) return fail(ok.error());
        udp::EpisodeRef ref;
        if (episode_id != 0) {
            if (anime_id != 0 || anime_name != nullptr || epno != nullptr) {
                return fail(Errc::invalid_parameter,
                            "give an episode id, or an anime and an episode number, not both");
            }
            auto eid = id_from_c(episode_id, "episode_id");
            if (!eid) return fail(eid.error());
            ref = udp::EpisodeId{*eid};
        } else {
            if (epno == nullptr) {
                return fail(Errc::invalid_parameter,
                            "give an episode id, or an anime and an episode number");
            }
            auto anime = anime_ref(anime_id, anime_name, "anime_name");
            if (!anime) return fail(anime.error());
            ref = udp::AnimeEpisode{*anime, epno};
        }
        return hand_out(c.client->episode_show(ref), episode, to_c_episode);
    });
}

anidb_result_t anidb_group_get(anidb_client_handle_t handle, uint64_t group_id, const char* name,
                               anidb_group_t** group) {
    if (group != nullptr) *group = nullptr;
    return with_client(handle, [&](ClientEntry& c) {
        if (group == nullptr) return fail(Errc::invalid_parameter, "group is NULL");
        if (auto ok = check_optional_string(name, "name"); !ok) return fail(ok.error());
        if ((group_id != 0) == (name != nullptr)) {
            return fail(Errc::invalid_parameter, "give either a group id or a name, not both");
        }
        udp::GroupRef ref;
        if (name != nullptr) {
            ref = udp::GroupName{name};
        } else {
            auto gid = id_from_c(group_id, "group_id");
            if (!gid) return fail(gid.error());
            ref = udp::GroupId{*gid};
        }
        return hand_out(c.client->group_show(ref), group, to_c_group);
    });
}

void anidb_free_anime(anidb_anime_t* anime) {
    (void)with_no_handle([&] {
        memory::AllocationTracker::instance().release(anime, memory::AllocType::anime);
        return ANIDB_SUCCESS;
    });
}

void anidb_free_episode(anidb_episode_t* episode) {
    (void)with_no_handle([&] {
        memory::AllocationTracker::instance().release(episode, memory::AllocType::episode);
        return ANIDB_SUCCESS;
    });
}

void anidb_free_group(anidb_group_t* group) {
    (void)with_no_handle([&] {
        memory::AllocationTracker::instance().release(group, memory::AllocType::group);
        return ANIDB_SUCCESS;
    });
}

}  // extern "C"
