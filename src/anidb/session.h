// Session: one AniDB UDP session over one UdpTransport. It logs in when a
// command needs it (AUTH protover=3, enc=UTF8, comp=1, nat=1, optionally
// after ENCRYPT), tags every request with an unpredictable tag, and runs
// every call (its login, its request with retransmissions and reply, a
// re-login and resend) under the host-wide lock (host_state.h): for each
// exchange it binds the fixed local port, waits for
// the rate-limit slot (rate_limiter.h), checks the cool-downs (cooldown.h)
// immediately before each send, waits with a time-out and resends (same
// text, same tag) a bounded number of times within give_up_after, drops
// late, duplicate, foreign and undecodable replies, records 555 / 601 /
// no answer in the host-wide state before the lock is released, re-AUTHs
// silently once on 501/506, backs off and resends on 602/604, and maps
// AniDB's error codes to Errc:
//
//   500 login_failed · 502 access_denied · 503/504 client_rejected ·
//   505/598/unparsable protocol · 555 banned (+ cool-down) ·
//   601 out_of_service (+ cool-down) · 602/604 server_busy after
//   busy_retries · 600 and other 6xx server_error · no reply timeout (+ the
//   no-answer back-off, during which every send fails at once with
//   timeout) · a command needing a login without username/password
//   no_credentials · a stop requested on the call's token cancelled.
//
// Time bound of one exchange: the wait for the host-wide lock (other
// programs' exchanges), the rate-limit waits, then at most give_up_after
// (60 s by default) from the first packet. Every wait ends at once when the
// call's stop token is triggered. Server text in error messages is escaped
// (server_text.h). Credentials (password, API key, session key) never
// appear in events or error messages.
//
// Session reuse: with a SessionStore (and without ENCRYPT) the session key,
// local port and last-use time are stored under
// "anidb.udp.session:<user>@<host:port>" and a stored key is reused when it
// was last used less than 20 minutes ago from the same local port. Such a
// session is NOT logged out on close (the next process reuses it; the server
// expires it 35 minutes after its last packet); call logout() to end it.
// Without a store close() sends LOGOUT.
//
// Thread-safe: calls are serialised (one request in flight at a time).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "anidb/codec.h"
#include "anidb/cooldown.h"
#include "anidb/crypto.h"
#include "anidb/host_state.h"
#include "anidb/settings.h"
#include "anidb/stop_wait.h"
#include "anidb/transport.h"
#include "common/result.h"

namespace anidb::udp {

// How long a stored session key stays reusable after its last use.
inline constexpr std::chrono::minutes kSessionReuseWindow{20};
// How long close() (and so the destructor) may take for its LOGOUT.
inline constexpr std::chrono::seconds kClosePatience{5};

// A session an earlier process kept in a SessionStore for reuse, as
// `anidb session status` shows it (the key itself stays in the store).
struct StoredSession {
    uint16_t local_port = 0;  // it can be reused from this local port only
    std::chrono::system_clock::time_point last_used;
    bool reusable = false;  // last used less than kSessionReuseWindow ago
};

// The session kept for `username` at `endpoint` ("host:port" as
// configured), if any.
std::optional<StoredSession> find_stored_session(SessionStore& store, std::string_view username,
                                                 std::string_view endpoint);

class Session {
  public:
    // Resolves the server and the host-wide state directory (no traffic
    // yet). Errors: those of UdpTransport::open.
    static Result<std::unique_ptr<Session>> open(Settings settings);
    // close(kClosePatience).
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Sends cmd (adding s=<key> and logging in first when it needs a
    // session) and returns the reply for any code that is not an error
    // listed above, e.g. 220, 320, 310.
    Result<Reply> call(const Command& cmd, std::stop_token stop = {});

    // Logs in now if not logged in (ENCRYPT + AUTH, or a reused key).
    Status login(std::stop_token stop = {});
    // Sends LOGOUT when logged in, or for a reusable session kept in the
    // SessionStore by an earlier process, and forgets the stored key. Idempotent.
    Status logout(std::stop_token stop = {});
    // LOGOUT as logout() does, but gives up (Errc::timeout) unless it can be
    // sent and answered within `patience`: for Ctrl-C and teardown. Given
    // up, the session stays in the SessionStore (if any) for the next process.
    Status logout_within(std::chrono::milliseconds patience, std::stop_token stop = {});
    // Ends the session as the destructor does: kept for the next process
    // when a SessionStore holds it, else logout_within(patience).
    void close(std::chrono::milliseconds patience, std::stop_token stop = {});
    // PING (no login needed). Returns the source port the server saw.
    Result<uint16_t> ping(std::stop_token stop = {});

    bool logged_in() const;
    bool reused_session() const;         // the key came from the SessionStore
    bool new_version_available() const;  // AUTH answered 201
    uint16_t local_port() const { return transport_.local_port(); }
    const std::string& endpoint() const { return transport_.endpoint(); }
    const std::filesystem::path& host_state_dir() const { return host_dir_; }
    // interval_scale as applied (1 unless the server is loopback).
    double effective_scale() const { return scale_; }

  private:
    // One call's waits: its stop token and, for bounded calls, a deadline.
    struct Scope {
        StopWait& wait;
        std::optional<StopWait::Clock::time_point> deadline;
    };

    // Holds the host-wide lock for one call (login, command, re-login and
    // resend together) unless the call already holds it.
    class HostHold {
      public:
        explicit HostHold(Session& session) : session_(session) {}
        ~HostHold();
        HostHold(const HostHold&) = delete;
        HostHold& operator=(const HostHold&) = delete;
        Status take(const std::string& command, Scope& scope);

      private:
        Session& session_;
        std::unique_ptr<HostLock> own_;
    };

    Session(Settings settings, UdpTransport transport);
    Result<Reply> call_locked(const Command& cmd, Scope& scope);
    // One request under the host-wide lock, with retries on time-out.
    Result<Reply> exchange(const Command& cmd, Scope& scope);
    Result<Reply> exchange_locked(const Command& cmd, const std::string& tag,
                                  const std::string& wire, Scope& scope);
    // exchange + 602/604 back-off + error mapping.
    Result<Reply> exchange_checked(const Command& cmd, Scope& scope);
    std::optional<Reply> decode(const std::string& datagram) const;
    Status ensure_login(Scope& scope);
    Status authenticate(Scope& scope);
    bool try_reuse();
    void remember();
    void forget();
    std::string store_key() const;
    void emit(NetworkEvent::Kind kind, const std::string& command, int code) const;
    void emit_wait(const std::string& command, NetworkEvent::Waiting what,
                   std::optional<std::chrono::system_clock::time_point> send_at) const;
    Status logout_locked(Scope& scope, bool keep_on_failure);

    Settings settings_;
    UdpTransport transport_;
    std::filesystem::path host_dir_;
    double scale_ = 1.0;
    mutable std::recursive_mutex mu_;
    TagSequence tags_;
    std::string key_;  // session key; a credential
    std::unique_ptr<AesSession> cipher_;
    bool reused_ = false;
    bool new_version_ = false;
    std::optional<Cooldown> recorded_;  // the cool-down the last exchange recorded (555/601)
    HostLock* held_ = nullptr;          // the host-wide lock while a call holds it
};

}  // namespace anidb::udp
