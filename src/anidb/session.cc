#include "anidb/session.h"

#include <openssl/crypto.h>

#include <array>
#include <cstdio>
#include <thread>

#include "anidb/compression.h"
#include "anidb/cooldown.h"
#include "anidb/rate_limiter.h"
#include "anidb/session_store.h"

namespace anidb::udp {
namespace {

// Waits before resending an unanswered AUTH (fact sheet §4.3).
constexpr std::array<std::chrono::seconds, 5> kAuthBackoff = {
    std::chrono::seconds(30), std::chrono::seconds(120), std::chrono::seconds(300),
    std::chrono::seconds(600), std::chrono::seconds(1800)};

std::chrono::milliseconds scaled(std::chrono::milliseconds d, double scale) {
    return std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(d.count()) * scale));
}

void wipe(std::string& s) {
    if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
    s.clear();
}

int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string store_key_of(std::string_view username, std::string_view endpoint) {
    return "anidb.udp.session:" + std::string(username) + "@" + std::string(endpoint);
}

// A stored value: "<key> <local port> <last use, Unix ms>".
struct StoredValue {
    char key[32] = {};
    unsigned port = 0;
    long long last_ms = 0;
    ~StoredValue() { OPENSSL_cleanse(key, sizeof key); }
};

bool parse_stored(const std::string& value, StoredValue& out) {
    return std::sscanf(value.c_str(), "%31s %u %lld", out.key, &out.port, &out.last_ms) == 3 &&
           out.port <= 65535;
}

bool within_reuse_window(long long last_ms) {
    const auto age = std::chrono::milliseconds(unix_ms_now() - last_ms);
    return age >= std::chrono::milliseconds(0) && age < kSessionReuseWindow;
}

std::string describe(const Reply& r) {
    std::string s = std::to_string(r.code) + " " + r.text;
    return s;
}

}  // namespace

Result<std::unique_ptr<Session>> Session::open(Settings settings) {
    auto t = UdpTransport::open(settings.server_host, settings.server_port, settings.local_port);
    if (!t) return t.error();
    return std::unique_ptr<Session>(new Session(std::move(settings), std::move(t).value()));
}

Session::Session(Settings settings, UdpTransport transport)
    : settings_(std::move(settings)), transport_(std::move(transport)) {
    double s = settings_.interval_scale;
    scale_ = transport_.server_is_loopback() && s > 0 && s <= 1 ? s : 1.0;
}

Session::~Session() {
    {
        std::lock_guard lock(mu_);
        if (!key_.empty()) {
            if (settings_.session_store && !cipher_)
                remember();  // kept for the next process
            else
                (void)logout_locked();
        }
        wipe(key_);
        wipe(settings_.password);
        wipe(settings_.api_key);
    }
}

bool Session::logged_in() const {
    std::lock_guard lock(mu_);
    return !key_.empty();
}
bool Session::reused_session() const {
    std::lock_guard lock(mu_);
    return reused_;
}
bool Session::new_version_available() const {
    std::lock_guard lock(mu_);
    return new_version_;
}

void Session::emit(NetworkEvent::Kind kind, const std::string& command, int code) const {
    if (!settings_.on_event) return;
    NetworkEvent ev{kind, transport_.endpoint(), command, code};
    settings_.on_event(ev);
}

std::optional<Reply> Session::decode(const std::string& datagram) const {
    std::string plain = datagram;
    if (cipher_) {
        // A datagram that does not decrypt may still be a plain reply (a
        // server error sent before or outside encryption); try it as is.
        auto d = cipher_->decrypt(datagram);
        if (d) plain = std::move(d).value();
    }
    if (is_compressed(plain)) {
        auto z = inflate_datagram(plain);
        if (!z) return std::nullopt;
        plain = std::move(z).value();
    }
    auto r = parse_reply(plain);
    if (!r) return std::nullopt;
    return std::move(r).value();
}

Result<Reply> Session::exchange(const Command& cmd) {
    const std::string tag = tags_.next();
    std::string wire = cmd.encode(tag);
    if (cipher_) {
        auto e = cipher_->encrypt(wire);
        wipe(wire);
        if (!e) return e.error();
        wire = std::move(e).value();
    }
    emit(NetworkEvent::Kind::start, cmd.name(), 0);
    transport_.drain();  // late replies to earlier requests
    auto timeout = settings_.reply_timeout;
    const int attempts = 1 + std::max(0, settings_.max_retries);
    for (int attempt = 0; attempt < attempts; ++attempt, timeout *= 2) {
        if (attempt > 0 && cmd.name() == "AUTH") {
            size_t i = std::min<size_t>(static_cast<size_t>(attempt - 1), kAuthBackoff.size() - 1);
            std::this_thread::sleep_for(scaled(kAuthBackoff[i], scale_));
        }
        if (auto c = active_cooldown(settings_.state_dir)) {
            wipe(wire);
            emit(NetworkEvent::Kind::complete, cmd.name(), 0);
            return cooldown_error(*c);
        }
        Status sent = RateLimiter::instance().send_paced(settings_.state_dir, scale_,
                                                         [&] { return transport_.send(wire); });
        if (!sent) {
            wipe(wire);
            emit(NetworkEvent::Kind::complete, cmd.name(), 0);
            return sent.error();
        }
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            auto got = transport_.receive(deadline);
            if (!got) {
                wipe(wire);
                emit(NetworkEvent::Kind::complete, cmd.name(), 0);
                return got.error();
            }
            if (!*got) break;  // time-out: resend
            std::optional<Reply> reply = decode(**got);
            if (!reply) continue;  // garbage
            // Ours, or an untagged 6xx (attributed to the one outstanding request).
            if (reply->tag == tag || (reply->tag.empty() && reply->code / 100 == 6)) {
                wipe(wire);
                emit(NetworkEvent::Kind::complete, cmd.name(), reply->code);
                return std::move(*reply);
            }
        }
    }
    wipe(wire);
    emit(NetworkEvent::Kind::complete, cmd.name(), 0);
    return make_error(Errc::timeout, "no reply from AniDB at " + transport_.endpoint() + " to " +
                                         cmd.name() + " after " + std::to_string(attempts) +
                                         " attempts");
}

Result<Reply> Session::exchange_checked(const Command& cmd) {
    for (int busy = 0;; ++busy) {
        auto r = exchange(cmd);
        if (!r) return r;
        const int code = r->code;
        const std::string what = cmd.name() + ": AniDB answered " + describe(*r);
        if (code == 602 || code == 604) {
            if (busy >= settings_.busy_retries) return make_error(Errc::server_busy, what);
            auto wait = code == 602 ? settings_.busy_backoff : settings_.busy_backoff / 4;
            std::this_thread::sleep_for(scaled(wait, scale_));
            continue;
        }
        if (code == 555) {
            std::string reason = r->detail().empty() ? "555 BANNED" : r->detail();
            record_cooldown(settings_.state_dir, Errc::banned, scaled(kDefaultCooldown, scale_),
                            reason);
            return cooldown_error(*active_cooldown(settings_.state_dir));
        }
        if (code == 601) {
            record_cooldown(settings_.state_dir, Errc::out_of_service,
                            scaled(kDefaultCooldown, scale_), describe(*r));
            return cooldown_error(*active_cooldown(settings_.state_dir));
        }
        if (code / 100 == 6) return make_error(Errc::server_error, what);
        if (code == 500) return make_error(Errc::login_failed, what);
        if (code == 502) return make_error(Errc::access_denied, what);
        if (code == 503 || code == 504) return make_error(Errc::client_rejected, what);
        if (code == 505 || code == 598) return make_error(Errc::protocol, what);
        return r;
    }
}

std::optional<StoredSession> find_stored_session(SessionStore& store, std::string_view username,
                                                 std::string_view endpoint) {
    auto v = store.get(store_key_of(username, endpoint));
    if (!v) return std::nullopt;
    StoredValue parsed;
    const bool ok = parse_stored(*v, parsed);
    wipe(*v);
    if (!ok) return std::nullopt;
    StoredSession s;
    s.local_port = static_cast<uint16_t>(parsed.port);
    s.last_used = std::chrono::system_clock::time_point(std::chrono::milliseconds(parsed.last_ms));
    s.reusable = within_reuse_window(parsed.last_ms);
    return s;
}

std::string Session::store_key() const {
    return store_key_of(settings_.username, transport_.endpoint());
}

bool Session::try_reuse() {
    if (!settings_.session_store || settings_.encrypt) return false;
    auto v = settings_.session_store->get(store_key());
    if (!v) return false;
    StoredValue parsed;
    const bool ok = parse_stored(*v, parsed) && parsed.port == transport_.local_port() &&
                    within_reuse_window(parsed.last_ms);
    wipe(*v);
    if (ok) key_ = parsed.key;
    return ok;
}

void Session::remember() {
    if (!settings_.session_store || cipher_ || key_.empty()) return;
    settings_.session_store->put(store_key(), key_ + " " + std::to_string(transport_.local_port()) +
                                                  " " + std::to_string(unix_ms_now()));
}

void Session::forget() {
    if (settings_.session_store) settings_.session_store->erase(store_key());
}

Status Session::ensure_login() {
    if (!key_.empty()) return {};
    if (settings_.username.empty() || settings_.password.empty())
        return make_error(Errc::no_credentials, "AniDB user name and password are not configured");
    if (try_reuse()) {
        reused_ = true;
        return {};
    }
    return authenticate();
}

Status Session::authenticate() {
    reused_ = false;
    cipher_.reset();
    if (settings_.encrypt && !settings_.api_key.empty()) {
        Command enc("ENCRYPT");
        enc.add("user", settings_.username).add("type", int64_t{1});
        auto r = exchange_checked(enc);
        if (!r) return r.error();
        if (r->code == 309)
            return make_error(Errc::access_denied, "ENCRYPT: no UDP API key is set for this user");
        if (r->code == 394) return make_error(Errc::login_failed, "ENCRYPT: no such user");
        if (r->code != 209 || r->head.empty())
            return make_error(Errc::protocol, "ENCRYPT: unexpected reply " + describe(*r));
        cipher_ = std::make_unique<AesSession>(settings_.api_key, r->head[0]);
    }
    Command auth("AUTH");
    auth.add("user", settings_.username).add("pass", settings_.password);
    auth.add("protover", int64_t{3}).add("client", settings_.client_name);
    auth.add("clientver", int64_t{settings_.client_version});
    auth.add("nat", int64_t{1}).add("comp", int64_t{1}).add("enc", "UTF8");
    auto r = exchange_checked(auth);
    if (!r) return r.error();
    if ((r->code != 200 && r->code != 201) || r->head.empty() || r->head[0].empty())
        return make_error(Errc::protocol, "AUTH: unexpected reply " + std::to_string(r->code));
    key_ = r->head[0];
    new_version_ = r->code == 201;
    remember();
    return {};
}

Status Session::login() {
    std::lock_guard lock(mu_);
    return ensure_login();
}

Result<Reply> Session::call(const Command& cmd) {
    std::lock_guard lock(mu_);
    const bool needs = cmd.needs_session();
    bool relogged = false;
    while (true) {
        if (needs) {
            if (auto st = ensure_login(); !st) return st.error();
        }
        Command c = cmd;
        if (needs) c.add("s", key_);
        auto r = exchange_checked(c);
        if (!r) return r;
        if (needs && (r->code == 501 || r->code == 506)) {
            wipe(key_);
            forget();
            if (relogged)
                return make_error(Errc::protocol, cmd.name() + ": AniDB keeps answering " +
                                                      std::to_string(r->code) +
                                                      " after a fresh login");
            relogged = true;
            continue;
        }
        if (needs) remember();
        return r;
    }
}

Status Session::logout_locked() {
    if (key_.empty()) return {};
    Command c("LOGOUT");
    c.add("s", key_);
    auto r = exchange_checked(c);
    wipe(key_);
    forget();
    cipher_.reset();
    reused_ = false;
    if (!r) return r.error();
    return {};
}

Status Session::logout() {
    std::lock_guard lock(mu_);
    // A session an earlier process kept for reuse is ended too (the CLI's
    // `session logout`): pick its key up from the store, without traffic.
    if (key_.empty()) try_reuse();
    return logout_locked();
}

Result<uint16_t> Session::ping() {
    Command c("PING");
    c.add("nat", int64_t{1});
    auto r = call(c);
    if (!r) return r.error();
    if (r->code != 300) return make_error(Errc::protocol, "PING: unexpected reply " + describe(*r));
    return static_cast<uint16_t>(r->lines.empty() ? 0 : field_int(r->lines[0]));
}

}  // namespace anidb::udp
