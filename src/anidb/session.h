// Session: one AniDB UDP session over one UdpTransport. It logs in when a
// command needs it (AUTH protover=3, enc=UTF8, comp=1, nat=1, optionally
// after ENCRYPT), tags every request, sends it through the process- and
// machine-wide RateLimiter, waits with a time-out and resends (same text,
// same tag) a bounded number of times, drops late, duplicate and foreign
// replies, re-AUTHs silently once on 501/506, backs off and resends on
// 602/604, and maps AniDB's error codes to Errc:
//
//   500 login_failed · 502 access_denied · 503/504 client_rejected ·
//   505/598/unparsable protocol · 555 banned (+ cool-down) ·
//   601 out_of_service (+ cool-down) · 602/604 server_busy after
//   busy_retries · 600 and other 6xx server_error · no reply timeout ·
//   a command needing a login without username/password no_credentials.
//
// Time bound of one call without 602/604: the rate-limit waits plus
// reply_timeout * (2^(max_retries+1) - 1), doubled when a 501/506 forces a
// re-login. Credentials (password, API key, session key) never appear in
// events or error messages.
//
// Session reuse: with a SessionStore (and without ENCRYPT) the session key,
// local port and last-use time are stored under
// "anidb.udp.session:<user>@<host:port>" and a stored key is reused when it
// was last used less than 20 minutes ago from the same local port. Such a
// session is NOT logged out on destruction (the next process reuses it; the
// server expires it 35 minutes after its last packet); call logout() to end
// it. Without a store the destructor sends LOGOUT.
//
// Thread-safe: calls are serialised (one request in flight at a time).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "anidb/codec.h"
#include "anidb/crypto.h"
#include "anidb/settings.h"
#include "anidb/transport.h"
#include "common/result.h"

namespace anidb::udp {

// How long a stored session key stays reusable after its last use.
inline constexpr std::chrono::minutes kSessionReuseWindow{20};

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
    // Opens the socket (no traffic yet). Errors: those of UdpTransport::open.
    static Result<std::unique_ptr<Session>> open(Settings settings);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Sends cmd (adding s=<key> and logging in first when it needs a
    // session) and returns the reply for any code that is not an error
    // listed above, e.g. 220, 320, 310.
    Result<Reply> call(const Command& cmd);

    // Logs in now if not logged in (ENCRYPT + AUTH, or a reused key).
    Status login();
    // Sends LOGOUT when logged in, or for a reusable session kept in the
    // SessionStore by an earlier process, and forgets the stored key. Idempotent.
    Status logout();
    // PING (no login needed). Returns the source port the server saw.
    Result<uint16_t> ping();

    bool logged_in() const;
    bool reused_session() const;         // the key came from the SessionStore
    bool new_version_available() const;  // AUTH answered 201
    uint16_t local_port() const { return transport_.local_port(); }
    const std::string& endpoint() const { return transport_.endpoint(); }
    // interval_scale as applied (1 unless the server is loopback).
    double effective_scale() const { return scale_; }

  private:
    Session(Settings settings, UdpTransport transport);
    Result<Reply> exchange(const Command& cmd);          // one request, retries on time-out
    Result<Reply> exchange_checked(const Command& cmd);  // + 602/604 back-off + error mapping
    std::optional<Reply> decode(const std::string& datagram) const;
    Status ensure_login();
    Status authenticate();
    bool try_reuse();
    void remember();
    void forget();
    std::string store_key() const;
    void emit(NetworkEvent::Kind kind, const std::string& command, int code) const;
    Status logout_locked();

    Settings settings_;
    UdpTransport transport_;
    double scale_ = 1.0;
    mutable std::recursive_mutex mu_;
    TagSequence tags_;
    std::string key_;  // session key; a credential
    std::unique_ptr<AesSession> cipher_;
    bool reused_ = false;
    bool new_version_ = false;
};

}  // namespace anidb::udp
