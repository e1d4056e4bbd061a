// Client::identify / identify_path / mylist_add / logout: the cache first,
// AniDB only when the cache has no (fresh) answer.
#include <cctype>
#include <charconv>
#include <chrono>
#include <map>

#include "anidb/commands.h"
#include "anidb/cooldown.h"
#include "anidb/host_state.h"
#include "anidb/session.h"
#include "client/anidb_link.h"
#include "client/client.h"
#include "client/client_impl.h"
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

// SessionStore over the cache database's small key/value table.
class CacheSessionStore final : public udp::SessionStore {
  public:
    explicit CacheSessionStore(cache::CacheDb& db) : db_(db) {}
    std::optional<std::string> get(std::string_view key) override {
        auto v = db_.get_state(key);
        return v.ok() ? *v : std::nullopt;
    }
    void put(std::string_view key, std::string_view value) override {
        (void)db_.put_state(key, value);
    }
    void erase(std::string_view key) override { (void)db_.erase_state(key); }

  private:
    cache::CacheDb& db_;
};

}  // namespace

int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// What a waiting packet waits for, as the event's context says it.
static std::string waiting_text(const udp::NetworkEvent& ne) {
    switch (ne.waiting) {
        case udp::NetworkEvent::Waiting::other_program:
            return ne.command + ": waiting for another AniDB program on this machine";
        case udp::NetworkEvent::Waiting::local_port:
            return ne.command + ": waiting for the local UDP port, which another program holds";
        case udp::NetworkEvent::Waiting::rate_limit:
            break;
    }
    return ne.command + ": waiting for the AniDB rate limit";
}

// Opens the AniDB session on first use, with the configuration as it is now.
Result<udp::Session*> session_for(Client& client, Client::Impl& impl) {
    std::lock_guard lock(impl.anidb_mutex);
    if (impl.session) return impl.session.get();
    const ClientConfig cfg = client.config_snapshot();
    if (cfg.username.empty() || cfg.password.empty()) {
        return make_error(Errc::no_credentials,
                          "no AniDB user name or password configured (config, ANIDB_USERNAME / "
                          "ANIDB_PASSWORD)");
    }
    udp::Settings s;
    s.server_host = cfg.server_host;
    s.server_port = cfg.server_port;
    s.local_port = cfg.local_port;
    s.username = cfg.username;
    s.password = cfg.password;
    s.api_key = cfg.api_key;
    s.encrypt = cfg.encrypt;
    s.client_name = cfg.client_name;
    try {
        s.client_version = std::stoi(cfg.client_version);
    } catch (...) {
        return make_error(Errc::invalid_parameter, "client_version must be a positive integer");
    }
    // The rate limit, cool-downs and local port are host-wide (never in the
    // cache directory, which may be missing or unusable); the session key is
    // this user's and stays in the private cache database.
    s.reply_timeout = std::chrono::milliseconds(cfg.timeout_ms);
    s.max_retries = static_cast<int>(cfg.retries);
    s.give_up_after = std::chrono::milliseconds(cfg.give_up_ms);
    s.interval_scale = cfg.interval_scale;
    if (impl.cache) {
        impl.session_store = std::make_unique<CacheSessionStore>(*impl.cache);
        s.session_store = impl.session_store.get();
    }
    EventHub* hub = &client.events();
    s.on_event = [hub](const udp::NetworkEvent& ne) {
        Event e = Event::now(EventType::network_start);
        e.subject = ne.endpoint;
        e.context = ne.command;
        switch (ne.kind) {
            case udp::NetworkEvent::Kind::start:
                break;
            case udp::NetworkEvent::Kind::complete:
                e.type = EventType::network_complete;
                e.number = static_cast<uint64_t>(ne.code);
                break;
            case udp::NetworkEvent::Kind::waiting:
                e.type = EventType::network_wait;
                e.context = waiting_text(ne);
                if (ne.send_at) {
                    e.number =
                        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  ne.send_at->time_since_epoch())
                                                  .count());
                }
                break;
        }
        hub->emit(std::move(e));
    };
    auto opened = udp::Session::open(std::move(s));
    if (!opened) return opened.error();
    impl.session = std::move(opened).value();
    return impl.session.get();
}

// ANIME / EPISODE / GROUP answers, cached as records (the full record,
// metadata_records.h, which Client::anime_show etc. read too), fill what a FILE
// answer left empty (the server drops string fields of long replies).
// With session == nullptr only the cache is consulted (no traffic). The
// cache is read only when `policy` is AnswerCache::use, written unless off.
static void fill_from_records(cache::CacheDb* db, AnswerCache policy, udp::Session* session,
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

Result<AnimeInfo> Client::identify(uint64_t size, std::string_view ed2k_in,
                                   const std::stop_token& stop) {
    if (size == 0) return make_error(Errc::invalid_parameter, "file size is 0");
    if (!is_ed2k_text(ed2k_in)) {
        return make_error(Errc::invalid_parameter, "ed2k must be 32 hexadecimal digits");
    }
    if (impl_->shutting_down) return make_error(Errc::cancelled, "the client is shutting down");
    const std::string ed2k = lower(ed2k_in);
    const int64_t now = unix_now();
    const ClientConfig cfg = config_snapshot();
    auto& db = impl_->cache;
    // --refresh / --no-cache: AniDB is asked even when the cache has an answer.
    const AnswerCache policy = cfg.answer_cache;
    const bool store_answers = db && policy != AnswerCache::off;
    if (db && policy == AnswerCache::use) {
        auto cached = db->find_file_answer(size, ed2k);
        if (cached.ok() && cached->has_value() &&
            (*cached)->fetched_at + int64_t{cfg.file_ttl_days} * 86400 > now) {
            AnimeInfo info = from_cached_answer(**cached);
            fill_from_records(db.get(), policy, nullptr, info, now,
                              int64_t{cfg.file_ttl_days} * 86400);
            return info;
        }
        auto unknown = db->find_unknown_file(size, ed2k);
        if (unknown.ok() && unknown->has_value() && **unknown > now) {
            return make_error(Errc::no_such_file,
                              "AniDB does not know this file (answer cached; asking again in " +
                                  std::to_string((**unknown - now + 59) / 60) + " min)");
        }
    }
    auto session = session_for(*this, *impl_);
    if (!session) return session.error();
    JointStop joint(stop, impl_->shutdown_source.get_token());
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
            report_cache_problem(*this, *impl_, stored.error());
        }
    }
    AnimeInfo info = from_file_info(*file);
    fill_from_records(db.get(), policy, *session, info, now, int64_t{cfg.file_ttl_days} * 86400,
                      joint.token());
    return info;
}

Result<AnimeInfo> Client::identify_path(const std::filesystem::path& path, std::stop_token stop) {
    ProcessOptions po;
    po.algorithms = {hash::Algorithm::ed2k};
    auto hashed = process_file_silently(path, po, stop);
    if (!hashed) return hashed.error();
    if (hashed->status != FileStatus::completed) {
        return make_error(hashed->error, hashed->error_message);
    }
    return identify_hashed(path, hashed->size, hashed->hashes.at(0).value, stop, hashed->ed2k_blue);
}

Result<AnimeInfo> Client::identify_hashed(const std::filesystem::path& path, uint64_t size,
                                          std::string_view ed2k, const std::stop_token& stop,
                                          std::string_view ed2k_blue) {
    auto info = identify(size, ed2k, stop);
    // AniDB may know a file whose size is an exact multiple of the ED2K chunk
    // by the other ("blue") variant: the hashing gave it, or (answered from
    // the cache, which keeps only the red one) the file is read again.
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

Result<MylistResult> Client::mylist_add(uint64_t size, std::string_view ed2k,
                                        const MylistWishes& wishes, const std::stop_token& stop) {
    auto info = identify(size, ed2k, stop);
    if (!info) return info.error();
    auto& db = impl_->cache;
    const auto fid = info->file_id;
    const auto matches = [&](const cache::CacheDb::MylistEntry& e) {
        if (wishes.state && *wishes.state != e.state) return false;
        if (wishes.viewed && *wishes.viewed != e.viewed) return false;
        if (wishes.source && *wishes.source != e.source) return false;
        if (wishes.storage && *wishes.storage != e.storage) return false;
        if (wishes.other && *wishes.other != e.other) return false;
        return true;
    };
    std::optional<cache::CacheDb::MylistEntry> local;
    if (db) {
        auto found = db->find_mylist(fid);
        if (found.ok() && found->has_value()) local = **found;
    }
    if (local && matches(*local)) {
        return MylistResult{local->lid, MylistOutcome::already_present, true};
    }

    auto session = session_for(*this, *impl_);
    if (!session) return session.error();
    JointStop joint(stop, impl_->shutdown_source.get_token());
    udp::MylistAddRequest req;
    req.fid = static_cast<int64_t>(fid);
    req.state = wishes.state;
    req.viewed = wishes.viewed;
    if (wishes.viewed.value_or(false) && wishes.viewdate > 0) req.viewdate = wishes.viewdate;
    req.source = wishes.source;
    req.storage = wishes.storage;
    req.other = wishes.other;
    req.edit = wishes.edit || local.has_value();
    if (req.edit && local && local->lid > 0) {
        req.fid = 0;
        req.lid = static_cast<int64_t>(local->lid);
    }
    auto added = udp::mylist_add(**session, req, joint.token());
    if (!added) return added.error();

    MylistResult result;
    result.mylist_id = static_cast<uint64_t>(added->lid);
    cache::CacheDb::MylistEntry stored = local.value_or(cache::CacheDb::MylistEntry{});
    if (added->outcome == udp::MylistOutcome::already_present && added->entry) {
        const auto& e = *added->entry;
        stored.lid = static_cast<uint64_t>(e.lid);
        stored.state = static_cast<int>(e.state);
        stored.viewed = e.viewdate > 0;
        stored.viewdate = e.viewdate;
        stored.source = e.source;
        stored.storage = e.storage;
        stored.other = e.other;
        result.mylist_id = stored.lid;
        result.outcome = MylistOutcome::already_present;
        if (!matches(stored)) {
            // AniDB has it with other values: edit it to the wishes.
            udp::MylistAddRequest edit = req;
            edit.fid = 0;
            edit.lid = e.lid;
            edit.edit = true;
            auto edited = udp::mylist_add(**session, edit, joint.token());
            if (!edited) return edited.error();
            result.outcome = MylistOutcome::updated;
        }
    } else if (added->outcome == udp::MylistOutcome::edited) {
        result.outcome = MylistOutcome::updated;
        if (result.mylist_id == 0) result.mylist_id = stored.lid;
    } else {
        result.outcome = MylistOutcome::added;
    }
    if (db) {
        stored.fid = fid;
        stored.lid = result.mylist_id;
        if (wishes.state) stored.state = *wishes.state;
        if (wishes.viewed) stored.viewed = *wishes.viewed;
        if (wishes.viewed.value_or(false)) stored.viewdate = wishes.viewdate;
        if (wishes.source) stored.source = *wishes.source;
        if (wishes.storage) stored.storage = *wishes.storage;
        if (wishes.other) stored.other = *wishes.other;
        stored.updated_at = unix_now();
        (void)db->store_mylist(stored);
    }
    return result;
}

Status Client::logout(std::stop_token stop, std::optional<std::chrono::milliseconds> patience) {
    const auto end = [&](udp::Session& session) {
        return patience ? session.logout_within(*patience, stop) : session.logout(stop);
    };
    {
        std::lock_guard lock(impl_->anidb_mutex);
        if (impl_->session) return end(*impl_->session);
    }
    // No session in this process: end one an earlier process kept for reuse.
    if (!impl_->cache || config_snapshot().username.empty()) return {};
    auto session = session_for(*this, *impl_);
    if (!session) return session.error();
    return end(**session);
}

void Client::end_session(std::chrono::milliseconds patience, std::stop_token stop) {
    std::lock_guard lock(impl_->anidb_mutex);
    if (impl_->session) impl_->session->close(patience, std::move(stop));
}

std::filesystem::path Client::anidb_host_state_dir() const {
    return udp::host_state_dir();
}

std::optional<udp::Cooldown> Client::anidb_cooldown() const {
    auto record = udp::peek_host_record(udp::host_state_dir());
    if (!record) return std::nullopt;
    return udp::active_cooldown(*record);
}

SessionStatus Client::session_status() {
    SessionStatus status;
    const ClientConfig cfg = config_snapshot();
    {
        std::lock_guard lock(impl_->anidb_mutex);
        status.logged_in = impl_->session && impl_->session->logged_in();
    }
    if (impl_->cache && !cfg.username.empty()) {
        CacheSessionStore store(*impl_->cache);
        const std::string endpoint = cfg.server_host + ":" + std::to_string(cfg.server_port);
        if (auto kept = udp::find_stored_session(store, cfg.username, endpoint)) {
            status.stored = true;
            status.stored_local_port = kept->local_port;
            status.stored_last_used = kept->last_used;
            status.stored_reusable = kept->reusable;
        }
    }
    if (auto c = anidb_cooldown()) {
        status.cooldown = c->code;
        status.cooldown_until = c->until;
        status.cooldown_reason = c->reason;
    }
    return status;
}

}  // namespace anidb::client
