// MetadataLookup (metadata_lookup.h): ANIME, EPISODE and GROUP
// through the cache, kept as anidb/metadata_ttl.h says. Records are stored
// by id (metadata_records.h); a name, or an anime and an episode number, is
// remembered in the client state table with the id its answer carried (the
// answer was checked against the name or number asked, metadata_commands.h),
// so asking the same way again is answered from the cache too.
#include "client/metadata_lookup.h"

#include <charconv>
#include <chrono>
#include <optional>
#include <variant>

#include "anidb/codec.h"
#include "anidb/metadata_ttl.h"
#include "anidb/selectors.h"
#include "client/joint_stop.h"
#include "client/metadata_records.h"

namespace anidb::client {
namespace {

using RecordKind = cache::CacheDb::RecordKind;

struct AnimeTraits {
    using Record = udp::AnimeInfo;
    using Ref = udp::AnimeRef;
    static constexpr RecordKind kind = RecordKind::anime;
    static constexpr const char* command = "ANIME";
    static constexpr const char* what = "anime";
    static std::optional<int64_t> id_of(const Ref& ref) {
        if (const auto* id = std::get_if<udp::AnimeId>(&ref)) return id->aid;
        return std::nullopt;
    }
    static std::optional<std::string> alias_of(const Ref& ref) {
        if (const auto* n = std::get_if<udp::AnimeName>(&ref)) {
            return "alias:anime:" + udp::comparable_name(n->name);
        }
        return std::nullopt;
    }
    static int64_t record_id(const Record& r) { return r.aid; }
    static int64_t ttl(const Record& r, int64_t now) { return udp::anime_ttl(r, now).count(); }
    static RecordFields encode(const Record& r) { return encode_anime(r); }
    static std::optional<Record> decode(const RecordFields& f) { return decode_anime(f); }
    static Result<Record> fetch(udp::Session& s, const Ref& ref, std::stop_token stop) {
        return udp::anime(s, ref, std::move(stop));
    }
};

struct EpisodeTraits {
    using Record = udp::EpisodeInfo;
    using Ref = udp::EpisodeRef;
    static constexpr RecordKind kind = RecordKind::episode;
    static constexpr const char* command = "EPISODE";
    static constexpr const char* what = "episode";
    static std::optional<int64_t> id_of(const Ref& ref) {
        if (const auto* id = std::get_if<udp::EpisodeId>(&ref)) return id->eid;
        return std::nullopt;
    }
    static std::optional<std::string> alias_of(const Ref& ref) {
        const auto* ae = std::get_if<udp::AnimeEpisode>(&ref);
        if (ae == nullptr) return std::nullopt;
        const auto epno = udp::normalize_epno(ae->epno);
        if (!epno) return std::nullopt;
        if (const auto* id = std::get_if<udp::AnimeId>(&ae->anime)) {
            return "alias:episode:aid=" + std::to_string(id->aid) + ":" + *epno;
        }
        return "alias:episode:aname=" +
               udp::comparable_name(std::get<udp::AnimeName>(ae->anime).name) + ":" + *epno;
    }
    static int64_t record_id(const Record& r) { return r.eid; }
    static int64_t ttl(const Record& r, int64_t now) { return udp::episode_ttl(r, now).count(); }
    static RecordFields encode(const Record& r) { return encode_episode(r); }
    static std::optional<Record> decode(const RecordFields& f) { return decode_episode(f); }
    static Result<Record> fetch(udp::Session& s, const Ref& ref, std::stop_token stop) {
        return udp::episode(s, ref, std::move(stop));
    }
};

struct GroupTraits {
    using Record = udp::GroupInfo;
    using Ref = udp::GroupRef;
    static constexpr RecordKind kind = RecordKind::group;
    static constexpr const char* command = "GROUP";
    static constexpr const char* what = "group";
    static std::optional<int64_t> id_of(const Ref& ref) {
        if (const auto* id = std::get_if<udp::GroupId>(&ref)) return id->gid;
        return std::nullopt;
    }
    static std::optional<std::string> alias_of(const Ref& ref) {
        if (const auto* n = std::get_if<udp::GroupName>(&ref)) {
            return "alias:group:" + udp::comparable_name(n->name);
        }
        return std::nullopt;
    }
    static int64_t record_id(const Record& r) { return r.gid; }
    static int64_t ttl(const Record& r, int64_t /*now*/) { return udp::group_ttl(r).count(); }
    static RecordFields encode(const Record& r) { return encode_group(r); }
    static std::optional<Record> decode(const RecordFields& f) { return decode_group(f); }
    static Result<Record> fetch(udp::Session& s, const Ref& ref, std::stop_token stop) {
        return udp::group(s, ref, std::move(stop));
    }
};

std::optional<int64_t> read_alias(cache::CacheDb& db, const std::string& key) {
    auto v = db.get_state(key);
    if (!v.ok() || !v->has_value()) return std::nullopt;
    const std::string& text = **v;
    int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
        return std::nullopt;
    }
    return id;
}

// What the cache holds for `id` that may still be used: a record, a "no
// such" answer (missing_until > 0), or nothing (ask AniDB).
template <typename T>
struct CachedAnswer {
    std::optional<Metadata<typename T::Record>> record;
    int64_t missing_until = 0;
};

template <typename T>
CachedAnswer<T> from_cache(cache::CacheDb& db, int64_t id, int64_t now) {
    CachedAnswer<T> out;
    auto found = db.find_record(T::kind, static_cast<uint64_t>(id));
    if (!found.ok() || !found->has_value()) return out;
    const cache::CacheDb::Record& row = **found;
    if (row.fetched_at > now) return out;  // from the future: the clock was set back
    if (is_missing_record(row.fields)) {
        const int64_t until = row.fetched_at + std::chrono::seconds(udp::kMissingRecordTtl).count();
        if (until > now) out.missing_until = until;
        return out;
    }
    auto record = T::decode(row.fields);
    if (!record || T::record_id(*record) != id) return out;
    const int64_t expires = row.fetched_at + T::ttl(*record, now);
    if (expires <= now) return out;
    out.record = Metadata<typename T::Record>{std::move(*record), true, row.fetched_at, expires};
    return out;
}

}  // namespace

template <typename T>
Result<Metadata<typename T::Record>> MetadataLookup::show(const typename T::Ref& ref,
                                                          const std::stop_token& stop) {
    // Refuse what the command layer would refuse before anything else.
    udp::Command probe(T::command);
    if (auto ok = udp::add_selector(probe, ref); !ok) return ok.error();
    if (auto running = context_.refuse_if_stopping(); !running) return running.error();
    const AnswerCache policy = context_.config_snapshot().answer_cache;
    cache::CacheDb* db = context_.cache();
    const int64_t now = unix_now();
    const std::optional<std::string> alias = T::alias_of(ref);
    std::optional<int64_t> id = T::id_of(ref);
    if (db != nullptr && policy == AnswerCache::use) {
        if (!id && alias) id = read_alias(*db, *alias);
        if (id) {
            CachedAnswer<T> hit = from_cache<T>(*db, *id, now);
            if (hit.record) return std::move(*hit.record);
            if (hit.missing_until > 0) {
                return make_error(Errc::no_such_file,
                                  std::string("AniDB has no ") + T::what + " " +
                                      std::to_string(*id) + " (answer cached; asking again in " +
                                      std::to_string((hit.missing_until - now + 3599) / 3600) +
                                      " h)");
            }
        }
    }
    auto session = link_.session();
    if (!session) return session.error();
    JointStop joint(stop, context_.shutdown_token());
    auto fetched = T::fetch(**session, ref, joint.token());
    const bool store = db != nullptr && policy != AnswerCache::off;
    if (!fetched) {
        if (fetched.error().code == Errc::no_such_file && store && T::id_of(ref)) {
            (void)db->store_record(T::kind,
                                   {static_cast<uint64_t>(*T::id_of(ref)), missing_record(), now});
        }
        return fetched.error();
    }
    const int64_t rid = T::record_id(*fetched);
    if (store && rid > 0) {
        // The id is the one the checked reply carries (for an id selector,
        // the id asked for: metadata_commands.h refuses any other).
        if (auto ok =
                db->store_record(T::kind, {static_cast<uint64_t>(rid), T::encode(*fetched), now});
            !ok) {
            context_.report_cache_problem(ok.error());
        }
        if (alias) (void)db->put_state(*alias, std::to_string(rid));
    }
    const int64_t expires = now + T::ttl(*fetched, now);
    return Metadata<typename T::Record>{std::move(*fetched), false, now, expires};
}

Result<Metadata<udp::AnimeInfo>> MetadataLookup::anime(const udp::AnimeRef& anime,
                                                       const std::stop_token& stop) {
    return show<AnimeTraits>(anime, stop);
}

Result<Metadata<udp::EpisodeInfo>> MetadataLookup::episode(const udp::EpisodeRef& episode,
                                                           const std::stop_token& stop) {
    return show<EpisodeTraits>(episode, stop);
}

Result<Metadata<udp::GroupInfo>> MetadataLookup::group(const udp::GroupRef& group,
                                                       const std::stop_token& stop) {
    return show<GroupTraits>(group, stop);
}

}  // namespace anidb::client
