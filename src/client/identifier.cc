// Identifier (identifier.h): the cache first, AniDB only when the cache has
// no (fresh) answer.
#include "client/identifier.h"

#include <cctype>
#include <charconv>
#include <map>

#include "anidb/commands.h"
#include "client/file_answers.h"
#include "client/joint_stop.h"
#include "client/metadata_records.h"
#include "hash/hash_file.h"

namespace anidb::client {
namespace {

bool is_ed2k_text(std::string_view s) {
    if (s.size() != 32) return false;
    for (char c : s) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// ANIME / EPISODE / GROUP answers, cached as records (the full record,
// metadata_records.h, which Client::anime_show etc. read too), fill what a FILE
// answer left empty (the server drops string fields of long replies).
// With session == nullptr only the cache is consulted (no traffic). The
// cache is read only when `policy` is AnswerCache::use, written unless off.
void fill_from_records(cache::CacheDb* db, AnswerCache policy, udp::Session* session,
                       AnimeInfo& info, int64_t now, int64_t ttl_seconds,
                       const std::stop_token& stop = {}) {
    using Kind = cache::CacheDb::RecordKind;
    using Fields = std::map<std::string, std::string>;
    const auto record = [&](Kind kind, uint64_t id, auto fetch) -> std::optional<Fields> {
        if (id == 0) return std::nullopt;
        if (db != nullptr && policy == AnswerCache::use) {
            auto found = db->find_record(kind, id);
            if (found.ok() && found->has_value() && (*found)->fetched_at + ttl_seconds > now) {
                return (*found)->fields;
            }
        }
        if (session == nullptr) return std::nullopt;
        std::optional<Fields> fetched = fetch();
        if (fetched && db != nullptr && policy != AnswerCache::off) {
            (void)db->store_record(kind, {id, *fetched, now});
        }
        return fetched;
    };
    const auto fill = [](std::string& target, const Fields& f, const char* key) {
        if (!target.empty()) return;
        if (auto it = f.find(key); it != f.end()) target = it->second;
    };
    // Only a missing primary field costs a request (each is ≥ 2 s of the
    // flood budget); the other fields are filled when the record is at hand.
    if (info.title_romaji.empty()) {
        auto f = record(Kind::anime, info.anime_id, [&]() -> std::optional<Fields> {
            auto a = udp::anime(*session, static_cast<int64_t>(info.anime_id), stop);
            if (!a) return std::nullopt;
            return encode_anime(*a);
        });
        if (f) {
            fill(info.title_romaji, *f, "romaji");
            fill(info.title_english, *f, "english");
            fill(info.title_kanji, *f, "kanji");
            fill(info.anime_type, *f, "type");
            fill(info.year, *f, "year");
        }
    }
    if (info.episode_title.empty()) {
        auto f = record(Kind::episode, info.episode_id, [&]() -> std::optional<Fields> {
            auto e = udp::episode(*session, static_cast<int64_t>(info.episode_id), stop);
            if (!e) return std::nullopt;
            return encode_episode(*e);
        });
        if (f) {
            fill(info.episode_title, *f, "english");
            fill(info.episode_number, *f, "epno");
            fill(info.episode_title_romaji, *f, "romaji");
            fill(info.episode_title_kanji, *f, "kanji");
            if (auto it = f->find("aired"); info.aired == 0 && it != f->end()) {
                std::from_chars(it->second.data(), it->second.data() + it->second.size(),
                                info.aired);
            }
        }
    }
    if (info.group_name.empty()) {
        auto f = record(Kind::group, info.group_id, [&]() -> std::optional<Fields> {
            auto g = udp::group(*session, static_cast<int64_t>(info.group_id), stop);
            if (!g) return std::nullopt;
            return encode_group(*g);
        });
        if (f) {
            fill(info.group_name, *f, "name");
            fill(info.group_short_name, *f, "short_name");
        }
    }
}

}  // namespace

Result<AnimeInfo> Identifier::identify(uint64_t size, std::string_view ed2k_in,
                                       const std::stop_token& stop) {
    if (size == 0) return make_error(Errc::invalid_parameter, "file size is 0");
    if (!is_ed2k_text(ed2k_in)) {
        return make_error(Errc::invalid_parameter, "ed2k must be 32 hexadecimal digits");
    }
    if (auto running = context_.refuse_if_stopping(); !running) return running.error();
    const std::string ed2k = lower(ed2k_in);
    const int64_t now = unix_now();
    const ClientConfig cfg = context_.config_snapshot();
    cache::CacheDb* db = context_.cache();
    // --refresh / --no-cache: AniDB is asked even when the cache has an answer.
    const AnswerCache policy = cfg.answer_cache;
    const bool store_answers = db && policy != AnswerCache::off;
    if (db && policy == AnswerCache::use) {
        auto cached = db->find_file_answer(size, ed2k);
        if (cached.ok() && cached->has_value() &&
            (*cached)->fetched_at + int64_t{cfg.file_ttl_days} * 86400 > now) {
            AnimeInfo info = from_cached_answer(**cached);
            fill_from_records(db, policy, nullptr, info, now, int64_t{cfg.file_ttl_days} * 86400);
            return info;
        }
        auto unknown = db->find_unknown_file(size, ed2k);
        if (unknown.ok() && unknown->has_value() && **unknown > now) {
            return make_error(Errc::no_such_file,
                              "AniDB does not know this file (answer cached; asking again in " +
                                  std::to_string((**unknown - now + 59) / 60) + " min)");
        }
    }
    auto session = link_.session();
    if (!session) return session.error();
    JointStop joint(stop, context_.shutdown_token());
    // file_by_hash returns only an answer about this size and ED2K (anything
    // else is Errc::protocol), so what is cached below is keyed by what was
    // asked, never by what the reply says.
    auto file = udp::file_by_hash(**session, size, ed2k, joint.token());
    if (!file) {
        if (file.error().code == Errc::no_such_file && store_answers) {
            (void)db->store_unknown_file(size, ed2k, now + int64_t{cfg.unknown_retry_hours} * 3600);
        }
        return file.error();
    }
    if (store_answers) {
        cache::CacheDb::FileAnswer answer = to_cached_answer(*file, now);
        answer.size = size;  // the key is what was asked (file_by_hash checked the reply)
        answer.ed2k = ed2k;
        if (auto stored = db->store_file_answer(answer); !stored) {
            context_.report_cache_problem(stored.error());
        }
    }
    AnimeInfo info = from_file_info(*file);
    fill_from_records(db, policy, *session, info, now, int64_t{cfg.file_ttl_days} * 86400,
                      joint.token());
    return info;
}

Result<AnimeInfo> Identifier::identify_path(const std::filesystem::path& path,
                                            const std::stop_token& stop) {
    ProcessOptions po;
    po.algorithms = {hash::Algorithm::ed2k};
    auto hashed = files_.process_file_silently(path, po, stop);
    if (!hashed) return hashed.error();
    if (hashed->status != FileStatus::completed) {
        return make_error(hashed->error, hashed->error_message);
    }
    return identify_hashed(path, hashed->size, hashed->hashes.at(0).value, stop, hashed->ed2k_blue);
}

Result<AnimeInfo> Identifier::identify_hashed(const std::filesystem::path& path, uint64_t size,
                                              std::string_view ed2k, const std::stop_token& stop,
                                              std::string_view ed2k_blue) {
    auto info = identify(size, ed2k, stop);
    // AniDB may know a file whose size is an exact multiple of the ED2K chunk
    // by the other ("blue") variant: the hashing or the cache row gave it
    // (FileResult::ed2k_blue), or, for a caller without it, the file is read
    // again.
    if (!info && info.error().code == Errc::no_such_file && size > 0 &&
        size % hash::kEd2kChunkSize == 0) {
        if (!ed2k_blue.empty()) {
            auto second = identify(size, ed2k_blue, stop);
            if (second.ok() || second.error().code != Errc::no_such_file) return second;
            return info;
        }
        hash::FileHashOptions ho;
        ho.algorithms = {hash::Algorithm::ed2k};
        ho.ed2k_variant = hash::Ed2kVariant::blue;
        ho.stop = stop;
        auto blue = hash::hash_file(path, ho);
        if (!blue) return blue.error();
        auto second = identify(blue->size, blue->digests.at(0).value, stop);
        if (second.ok() || second.error().code != Errc::no_such_file) return second;
    }
    return info;
}

}  // namespace anidb::client
