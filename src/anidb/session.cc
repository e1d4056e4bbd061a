#include "anidb/session.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "anidb/compression.h"
#include "anidb/host_state.h"
#include "anidb/rate_limiter.h"
#include "anidb/server_text.h"
#include "anidb/session_store.h"

namespace anidb::udp {
namespace {

using Clock = StopWait::Clock;
using SysClock = std::chrono::system_clock;

// Waits before resending an unanswered AUTH (docs/anidb-protocol.md, "When no reply comes"); the
// reply is still listened for meanwhile.
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

// Wipes a string (a datagram holding credentials) when the scope ends.
struct WipeOnExit {
    std::string& s;
    ~WipeOnExit() { wipe(s); }
};

int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(SysClock::now().time_since_epoch())
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

// "555 BANNED - reason" with the server's text escaped.
std::string describe(const Reply& r) {
    return std::to_string(r.code) + " " + safe_text(r.text);
}

std::string seconds_text(std::chrono::milliseconds d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
    return buf;
}

Error cancelled() {
    return make_error(Errc::cancelled, "cancelled while waiting for AniDB");
}

}  // namespace

Result<std::unique_ptr<Session>> Session::open(Settings settings) {
    auto t = UdpTransport::open(settings.server_host, settings.server_port, settings.local_port);
    if (!t) return t.error();
    return std::unique_ptr<Session>(new Session(std::move(settings), std::move(t).value()));
}

Session::Session(Settings settings, UdpTransport transport)
    : settings_(std::move(settings)),
      transport_(std::move(transport)),
      host_dir_(udp::host_state_dir(settings_.host_state_dir)) {
    double s = settings_.interval_scale;
    scale_ = transport_.server_is_loopback() && s > 0 && s <= 1 ? s : 1.0;
    if (settings_.give_up_after <= std::chrono::milliseconds(0))
        settings_.give_up_after = kDefaultGiveUpAfter;
}

Session::~Session() {
    try {
        close(kClosePatience);
    } catch (...) {
        // Out of memory while saying goodbye: AniDB ends the session itself.
    }
    std::lock_guard lock(mu_);
    wipe(key_);
    wipe(settings_.password);
    wipe(settings_.api_key);
}

void Session::close(std::chrono::milliseconds patience, std::stop_token stop) {
    std::lock_guard lock(mu_);
    if (key_.empty()) return;
    if (settings_.session_store && !cipher_) {
        remember();  // kept for the next process
        wipe(key_);
        return;
    }
    (void)logout_within(patience, std::move(stop));
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
    NetworkEvent ev;
    ev.kind = kind;
    ev.endpoint = transport_.endpoint();
    ev.command = command;
    ev.code = code;
    settings_.on_event(ev);
}

void Session::emit_wait(const std::string& command, NetworkEvent::Waiting what,
                        std::optional<SysClock::time_point> send_at) const {
    if (!settings_.on_event) return;
    NetworkEvent ev;
    ev.kind = NetworkEvent::Kind::waiting;
    ev.endpoint = transport_.endpoint();
    ev.command = command;
    ev.waiting = what;
    ev.send_at = send_at;
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

Result<Reply> Session::exchange(const Command& cmd, Scope& scope) {
    const std::string tag = tags_.next();
    std::string wire = cmd.encode(tag);
    WipeOnExit wipe_wire{wire};
    if (cipher_) {
        auto e = cipher_->encrypt(wire);
        if (!e) return e.error();
        wipe(wire);
        wire = std::move(e).value();
    }
    emit(NetworkEvent::Kind::start, cmd.name(), 0);
    auto reply = exchange_locked(cmd, tag, wire, scope);
    emit(NetworkEvent::Kind::complete, cmd.name(), reply ? reply->code : 0);
    return reply;
}

Result<Reply> Session::exchange_locked(const Command& cmd, const std::string& tag,
                                       const std::string& wire, Scope& scope) {
    recorded_.reset();
    HostHold hold(*this);
    if (Status st = hold.take(cmd.name(), scope); !st) return st.error();
    HostLock& lock = *held_;
    HostRecord& rec = lock.record();
    // A ban another process recorded while we waited for the lock: nothing leaves.
    if (auto c = active_cooldown(rec)) return cooldown_error(*c);
    Status attached = transport_.attach(scope.wait, [&] {
        emit_wait(cmd.name(), NetworkEvent::Waiting::local_port, std::nullopt);
    });
    if (!attached) return attached.error();
    struct Detach {
        UdpTransport& t;
        ~Detach() { t.detach(); }
    } detach{transport_};
    transport_.drain();  // late replies to earlier requests

    const auto past_deadline = [&](Clock::time_point t) {
        return scope.deadline && t > *scope.deadline;
    };
    std::optional<Clock::time_point> give_up;  // from the first packet
    auto timeout = settings_.reply_timeout;
    const int attempts = 1 + std::max(0, settings_.max_retries);
    int sent_count = 0;
    for (int attempt = 0; attempt < attempts; ++attempt, timeout *= 2) {
        // The rate-limit slot, then the cool-downs, immediately before the send.
        const int64_t now_ns = monotonic_ns();
        const int64_t at_ns = next_send_ns(rec, now_ns, scale_);
        if (at_ns > now_ns) {
            const auto wait = std::chrono::nanoseconds(at_ns - now_ns);
            if (past_deadline(Clock::now() + wait))
                return make_error(Errc::timeout, cmd.name() + ": no rate-limit slot in time");
            emit_wait(cmd.name(), NetworkEvent::Waiting::rate_limit,
                      SysClock::now() + std::chrono::duration_cast<SysClock::duration>(wait));
            if (!scope.wait.sleep_until(Clock::now() + wait)) return cancelled();
        }
        if (give_up && Clock::now() >= *give_up) break;
        if (auto c = active_cooldown(rec)) return cooldown_error(*c);
        Status sent = transport_.send(wire);
        note_send(rec, monotonic_ns(), scale_);
        (void)lock.save();  // best effort: the packet has left either way
        if (!sent) return sent.error();
        ++sent_count;
        const auto sent_at = Clock::now();
        if (!give_up) give_up = sent_at + settings_.give_up_after;
        auto listen = timeout;
        if (cmd.name() == "AUTH" && attempt + 1 < attempts) {
            // An unanswered AUTH waits longer before it is resent (and may
            // still be answered meanwhile).
            const size_t i =
                std::min<size_t>(static_cast<size_t>(attempt), kAuthBackoff.size() - 1);
            listen += scaled(kAuthBackoff[i], scale_);
        }
        auto until = std::min(sent_at + listen, *give_up);
        if (scope.deadline) until = std::min(until, *scope.deadline);
        while (true) {
            auto got = transport_.receive(until, scope.wait);
            if (!got) return got.error();
            if (!*got) break;  // time-out: resend
            std::optional<Reply> reply = decode(**got);
            if (!reply) continue;  // garbage, a bomb, a torn datagram
            // Ours, or an untagged 6xx (attributed to the one outstanding request).
            if (reply->tag != tag && !(reply->tag.empty() && reply->code / 100 == 6)) continue;
            record_answer(rec);
            if (reply->code == 555) {
                std::string reason = reply->detail().empty() ? "555 BANNED" : reply->detail();
                recorded_ =
                    record_cooldown(rec, Errc::banned, scaled(kDefaultCooldown, scale_), reason);
            } else if (reply->code == 601) {
                recorded_ = record_cooldown(rec, Errc::out_of_service,
                                            scaled(kDefaultCooldown, scale_), describe(*reply));
            }
            (void)lock.save();  // before the lock is released: waiting programs see it
            return std::move(*reply);
        }
        if (past_deadline(Clock::now()) || Clock::now() >= *give_up) break;
    }
    const std::string what = "no reply to " + cmd.name() + " from " + transport_.endpoint();
    // A bounded call (teardown) gave up by choice; only a full exchange
    // says the server does not answer.
    if (!scope.deadline) {
        record_no_answer(rec, what, scale_);
        (void)lock.save();
    }
    return make_error(Errc::timeout, "no reply from AniDB at " + transport_.endpoint() + " to " +
                                         cmd.name() + " after " + std::to_string(sent_count) +
                                         (sent_count == 1 ? " attempt" : " attempts") + " in " +
                                         seconds_text(settings_.give_up_after) + " at most");
}

Result<Reply> Session::exchange_checked(const Command& cmd, Scope& scope) {
    for (int busy = 0;; ++busy) {
        auto r = exchange(cmd, scope);
        if (!r) return r;
        const int code = r->code;
        const std::string what = cmd.name() + ": AniDB answered " + describe(*r);
        if (code == 602 || code == 604) {
            if (busy >= settings_.busy_retries) return make_error(Errc::server_busy, what);
            auto wait =
                scaled(code == 602 ? settings_.busy_backoff : settings_.busy_backoff / 4, scale_);
            const auto until = Clock::now() + wait;
            if (scope.deadline && until > *scope.deadline)
                return make_error(Errc::server_busy, what);
            if (!scope.wait.sleep_until(until)) return cancelled();
            continue;
        }
        if ((code == 555 || code == 601) && recorded_) return cooldown_error(*recorded_);
        if (code / 100 == 6) return make_error(Errc::server_error, what);
        if (code == 500) return make_error(Errc::login_failed, what);
        if (code == 502) return make_error(Errc::access_denied, what);
        if (code == 503 || code == 504) return make_error(Errc::client_rejected, what);
        if (code == 505 || code == 598) return make_error(Errc::protocol, what);
        // 501/506 go back to call_locked, which logs in again.
        if (code / 100 == 5 && code != 501 && code != 506) return make_error(Errc::protocol, what);
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

Status Session::ensure_login(Scope& scope) {
    if (!key_.empty()) return {};
    if (settings_.username.empty() || settings_.password.empty())
        return make_error(Errc::no_credentials, "AniDB user name and password are not configured");
    if (try_reuse()) {
        reused_ = true;
        return {};
    }
    return authenticate(scope);
}

Status Session::authenticate(Scope& scope) {
    reused_ = false;
    cipher_.reset();
    if (settings_.encrypt && !settings_.api_key.empty()) {
        Command enc("ENCRYPT");
        enc.add("user", settings_.username).add("type", int64_t{1});
        auto r = exchange_checked(enc, scope);
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
    auto r = exchange_checked(auth, scope);
    if (!r) return r.error();
    // A session key is 4-8 letters and digits; anything else is not one.
    const bool key_ok =
        !r->head.empty() && r->head[0].size() >= 4 && r->head[0].size() <= 16 &&
        std::all_of(r->head[0].begin(), r->head[0].end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        });
    if ((r->code != 200 && r->code != 201) || !key_ok)
        return make_error(Errc::protocol, "AUTH: unexpected reply " + std::to_string(r->code));
    key_ = r->head[0];
    new_version_ = r->code == 201;
    remember();
    return {};
}

Session::HostHold::~HostHold() {
    if (own_) session_.held_ = nullptr;
}

Status Session::HostHold::take(const std::string& command, Scope& scope) {
    if (session_.held_ != nullptr) return {};
    auto locked = HostLock::acquire(session_.host_dir_, scope.wait, scope.deadline, [&] {
        session_.emit_wait(command, NetworkEvent::Waiting::other_program, std::nullopt);
    });
    if (!locked) return locked.error();
    own_ = std::move(locked).value();
    session_.held_ = own_.get();
    return {};
}

Status Session::login(std::stop_token stop) {
    std::lock_guard lock(mu_);
    StopWait wait(std::move(stop));
    Scope scope{wait, std::nullopt};
    HostHold hold(*this);
    if (Status st = hold.take("AUTH", scope); !st) return st;
    return ensure_login(scope);
}

Result<Reply> Session::call(const Command& cmd, std::stop_token stop) {
    std::lock_guard lock(mu_);
    StopWait wait(std::move(stop));
    Scope scope{wait, std::nullopt};
    // One hold of the host-wide lock for the login, the command and a
    // re-login with its resend: another process's AUTH from the same
    // ip:port cannot slip in between (a server that keeps one session per
    // ip:port would answer 501 again and again).
    HostHold hold(*this);
    if (Status st = hold.take(cmd.name(), scope); !st) return st.error();
    return call_locked(cmd, scope);
}

Result<Reply> Session::call_locked(const Command& cmd, Scope& scope) {
    const bool needs = cmd.needs_session();
    bool relogged = false;
    while (true) {
        if (needs) {
            if (auto st = ensure_login(scope); !st) return st.error();
        }
        Command c = cmd;
        if (needs) c.add("s", key_);
        auto r = exchange_checked(c, scope);
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

Status Session::logout_locked(Scope& scope, bool keep_on_failure) {
    if (key_.empty()) return {};
    Command c("LOGOUT");
    c.add("s", key_);
    auto r = exchange_checked(c, scope);
    // A LOGOUT given up in a hurry (Ctrl-C) leaves the session to the next
    // process, which can reuse it, rather than to nobody.
    if (!r && keep_on_failure)
        remember();
    else
        forget();
    wipe(key_);
    cipher_.reset();
    reused_ = false;
    if (!r) return r.error();
    return {};
}

Status Session::logout(std::stop_token stop) {
    std::lock_guard lock(mu_);
    // A session an earlier process kept for reuse is ended too (the CLI's
    // `session logout`): pick its key up from the store, without traffic.
    if (key_.empty()) try_reuse();
    if (key_.empty()) return {};  // nothing to end: no wait for the lock either
    StopWait wait(std::move(stop));
    Scope scope{wait, std::nullopt};
    HostHold hold(*this);
    if (Status st = hold.take("LOGOUT", scope); !st) return st;
    return logout_locked(scope, false);
}

Status Session::logout_within(std::chrono::milliseconds patience, std::stop_token stop) {
    std::lock_guard lock(mu_);
    if (key_.empty()) try_reuse();
    if (key_.empty()) return {};
    StopWait wait(std::move(stop));
    Scope scope{wait, Clock::now() + patience};
    HostHold hold(*this);
    if (Status st = hold.take("LOGOUT", scope); !st) {
        // Not in time: kept for the next process when a store can hold it,
        // else AniDB ends it 35 minutes after its last packet.
        remember();
        wipe(key_);
        return st;
    }
    return logout_locked(scope, true);
}

Result<uint16_t> Session::ping(std::stop_token stop) {
    Command c("PING");
    c.add("nat", int64_t{1});
    auto r = call(c, std::move(stop));
    if (!r) return r.error();
    if (r->code != 300) return make_error(Errc::protocol, "PING: unexpected reply " + describe(*r));
    return static_cast<uint16_t>(r->lines.empty() ? 0 : field_int(r->lines[0]));
}

}  // namespace anidb::udp
