// Configuration of an AniDB UDP session and the network events it reports.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "anidb/transport.h"

namespace anidb::udp {

class SessionStore;

// Reported around every exchange with the server (one request and its
// retransmissions), and whenever a packet has to wait. Never holds
// credentials.
struct NetworkEvent {
    enum class Kind { start, complete, waiting };
    // What a `waiting` packet waits for.
    enum class Waiting { rate_limit, other_program, local_port };
    Kind kind = Kind::start;
    std::string endpoint;  // "host:port" of the server
    std::string command;   // command word, e.g. "FILE"
    int code = 0;          // complete: the reply code, 0 when no reply came
    Waiting waiting = Waiting::rate_limit;
    // waiting: when the packet is planned to leave; unset while another
    // program holds the host-wide lock (its exchange has no known end).
    std::optional<std::chrono::system_clock::time_point> send_at;
};

// The longest one exchange waits for AniDB's answer, from its first packet
// to giving up (Errc::timeout): retransmissions and AUTH back-offs included.
inline constexpr std::chrono::milliseconds kDefaultGiveUpAfter{60000};

struct Settings {
    std::string server_host = "api.anidb.net";
    uint16_t server_port = 9000;
    uint16_t local_port = kDefaultLocalPort;  // 0 only for a loopback server

    std::string username;
    std::string password;  // website password; wiped when the session ends
    std::string api_key;   // UDP API key; used for ENCRYPT only
    bool encrypt = false;  // ENCRYPT before AUTH (needs api_key)

    std::string client_name = "libanidb";  // registered client name, a-z, 4-16 chars
    int client_version = 1;

    // The host-wide state directory (host_state.h). Empty:
    // $ANIDB_HOST_STATE_DIR, else /var/tmp/anidb-udp.
    std::filesystem::path host_state_dir;

    std::chrono::milliseconds reply_timeout{15000};  // first attempt; doubles per retry
    int max_retries = 2;                             // resends after a time-out
    // Caps one exchange: 15 s + 30 s + the rest of 60 s with the defaults.
    std::chrono::milliseconds give_up_after = kDefaultGiveUpAfter;
    int busy_retries = 2;                            // resends after 602/604
    std::chrono::milliseconds busy_backoff{120000};  // wait after 602 (604: a quarter of it)
    // Scales rate-limit intervals, cool-downs and back-offs; honoured only
    // for a loopback server (tests), otherwise 1.
    double interval_scale = 1.0;

    // Optional session reuse across processes (not owned; must outlive the
    // session). Not used when encrypt is on.
    SessionStore* session_store = nullptr;

    std::function<void(const NetworkEvent&)> on_event;  // optional; called on the caller's thread
};

}  // namespace anidb::udp
