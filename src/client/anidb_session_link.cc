#include "client/anidb_session_link.h"

#include "anidb/cooldown.h"

namespace anidb::client {
namespace {

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

// What a waiting packet waits for, as the event's context says it.
std::string waiting_text(const udp::NetworkEvent& ne) {
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

}  // namespace

AnidbSessionLink::AnidbSessionLink(ClientContext& context) : context_(context) {}

AnidbSessionLink::~AnidbSessionLink() = default;

// Opens the AniDB session on first use, with the configuration as it is now.
Result<udp::Session*> AnidbSessionLink::session() {
    std::lock_guard lock(mutex_);
    if (session_) return session_.get();
    const ClientConfig cfg = context_.config_snapshot();
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
    if (context_.cache() != nullptr) {
        store_ = std::make_unique<CacheSessionStore>(*context_.cache());
        s.session_store = store_.get();
    }
    EventHub* hub = &context_.events();
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
    session_ = std::move(opened).value();
    return session_.get();
}

Status AnidbSessionLink::logout(std::stop_token stop,
                                std::optional<std::chrono::milliseconds> patience) {
    const auto end = [&](udp::Session& session) {
        return patience ? session.logout_within(*patience, stop) : session.logout(stop);
    };
    {
        std::lock_guard lock(mutex_);
        if (session_) return end(*session_);
    }
    // No session in this process: end one an earlier process kept for reuse.
    if (context_.cache() == nullptr || context_.config_snapshot().username.empty()) return {};
    auto opened = session();
    if (!opened) return opened.error();
    return end(**opened);
}

void AnidbSessionLink::end(std::chrono::milliseconds patience, std::stop_token stop) {
    std::lock_guard lock(mutex_);
    if (session_) session_->close(patience, std::move(stop));
}

std::filesystem::path AnidbSessionLink::host_state_dir() {
    return udp::host_state_dir();
}

std::optional<udp::Cooldown> AnidbSessionLink::cooldown() {
    auto record = udp::peek_host_record(udp::host_state_dir());
    if (!record) return std::nullopt;
    return udp::active_cooldown(*record);
}

SessionStatus AnidbSessionLink::status() {
    SessionStatus status;
    const ClientConfig cfg = context_.config_snapshot();
    {
        std::lock_guard lock(mutex_);
        status.logged_in = session_ && session_->logged_in();
    }
    if (context_.cache() != nullptr && !cfg.username.empty()) {
        CacheSessionStore store(*context_.cache());
        const std::string endpoint = cfg.server_host + ":" + std::to_string(cfg.server_port);
        if (auto kept = udp::find_stored_session(store, cfg.username, endpoint)) {
            status.stored = true;
            status.stored_local_port = kept->local_port;
            status.stored_last_used = kept->last_used;
            status.stored_reusable = kept->reusable;
        }
    }
    if (auto c = cooldown()) {
        status.cooldown = c->code;
        status.cooldown_until = c->until;
        status.cooldown_reason = c->reason;
    }
    return status;
}

}  // namespace anidb::client
