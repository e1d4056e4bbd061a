// FakeAnidbServer: a real UDP server on 127.0.0.1 that speaks the AniDB UDP
// API as docs/anidb-protocol.md describes it (AUTH/LOGOUT/PING/UPTIME/VERSION,
// ENCRYPT, FILE, ANIME, EPISODE, GROUP, MYLIST, MYLISTADD, MYLISTDEL; each
// user's MyList changes with MYLISTADD and MYLISTDEL), applies the flood rule
// (silently drops a packet that arrives closer than flood_interval to the
// previous one from the same IP, after the first five), logs every
// datagram, and injects faults on demand. One background thread serves the
// socket; every public method is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>

#include "anidb/codec.h"
#include "anidb/crypto.h"
#include "common/result.h"
#include "support/fake_anidb/catalog.h"

namespace anidb::test {

struct FakeServerOptions {
    uint16_t port = 0;  // 0: a free port (see FakeAnidbServer::port())
    std::chrono::milliseconds flood_interval{2000};
    size_t compress_threshold = 1400;    // compress replies longer than this (comp=1)
    bool raw_deflate = false;            // compress as raw DEFLATE instead of zlib
    bool new_version_available = false;  // AUTH answers 201 instead of 200
    std::filesystem::path log_file;      // append one line per datagram when set
};

// What a fault does to the reply of a request it applies to.
enum class Fault {
    silence,       // no reply at all
    garbage,       // bytes that are no reply
    truncated,     // the reply cut short (first line kept in part, data lines cut)
    wrong_tag,     // a tag nobody used
    code,          // FaultPlan::code (5xx, 6xx, 555) with text full of terminal escapes
    zlib_bomb,     // 00 00 + a zlib stream that inflates to 8 MiB
    huge_fields,   // text fields blown up to kilobytes (escapes included), 500 extra fields
    other_file,    // FILE: the record of another catalog file
    other_record,  // ANIME / EPISODE / GROUP / MYLIST / MYLISTADD 310: about another id
};

// A fault for the next `count` requests whose command word is `command`
// (empty: any command).
struct FaultPlan {
    Fault kind = Fault::silence;
    int count = 1;
    std::string command;
    int code = 0;           // Fault::code
    bool untagged = false;  // Fault::code: the reply carries no tag
};

// "silence", "garbage", "truncated", "wrong-tag", "zlib-bomb", "huge-fields",
// "other-file", "other-record" or a 3-digit code, then optionally ":N" and "@COMMAND"
// ("555@FILE", "silence:2", "other-file@FILE"). Errors: Errc::invalid_parameter.
Result<FaultPlan> parse_fault(std::string_view text);

// One received datagram as the server saw it.
struct DatagramRecord {
    std::chrono::system_clock::time_point at;  // kernel arrival time
    std::string peer;                          // "ip:port"
    std::string text;         // the request with pass/s/apikey values masked; "<encrypted>",
                              // "<undecryptable>" or "<garbage>" when it could not be read
    double gap_ms = -1;       // since the previous datagram from the same IP (-1: first)
    bool too_close = false;   // gap below flood_interval (a flood violation)
    bool dropped = false;     // no reply was sent
    std::string drop_reason;  // "flood", "fault", "encryption"
};

class FakeAnidbServer {
  public:
    explicit FakeAnidbServer(FakeServerOptions options = {});
    ~FakeAnidbServer();
    FakeAnidbServer(const FakeAnidbServer&) = delete;
    FakeAnidbServer& operator=(const FakeAnidbServer&) = delete;

    // Binds 127.0.0.1:<options.port> and starts serving. Errors: Errc::network.
    Status start();
    // Stops the thread and closes the socket; idempotent.
    void stop();
    uint16_t port() const { return port_; }

    // Catalog and users (replace / add).
    void set_catalog(FakeCatalog catalog);
    void add_user(std::string name, std::string password, std::string api_key = {});
    void set_flood_interval(std::chrono::milliseconds interval);
    void set_compress_threshold(size_t bytes);
    void set_raw_deflate(bool on);

    // Fault injection. Each "next N" counts requests that reach the fault
    // stage (flood-dropped packets do not count).
    void drop_next(int n);                                // no reply at all
    void delay_replies(std::chrono::milliseconds delay);  // every reply, until reset to 0
    void hold_replies(bool on);       // on: replies wait in the outbox until it is turned off
    void duplicate_replies(bool on);  // send every reply twice
    void wrong_tag_next(int n);       // reply with a tag nobody used
    void answer_next(int code, int n, bool untagged = false);  // 6xx/555/... instead
    void garbage_next(int n);                                  // a junk datagram before each reply
    void invalidate_session_next(int code);  // next session command: forget it, answer code
    void inject(FaultPlan plan);             // added to the plans in force
    void clear_faults();                     // ends every plan

    // Inspection.
    std::vector<DatagramRecord> log() const;
    size_t flood_violations() const;  // datagrams that arrived too close to the previous one
    size_t count(std::string_view command) const;  // requests served with that command word
    // A parameter of the last request with that command word (unescaped) —
    // lets tests check what arrived on the wire.
    std::optional<std::string> last_param(std::string_view command, std::string_view key) const;
    size_t active_sessions() const;
    size_t compressed_replies() const;
    // Every session key handed out (tests check none leaks into logs).
    std::vector<std::string> issued_keys() const;
    // The user's MyList entry for a file (fields lid fid eid aid gid date
    // state viewdate storage source other filestate), and the entry count.
    std::optional<FakeRecord> mylist_entry(std::string_view user, int64_t fid) const;
    size_t mylist_size(std::string_view user) const;

  private:
    struct Session {
        std::string key, user;
        bool compress = false;
    };
    struct Reply {
        std::string tag;
        int code = 0;
        std::string first_line;  // after the code: values and text
        std::vector<std::string> lines;
    };
    struct Pending {
        std::chrono::steady_clock::time_point due;
        std::string peer_ip;
        uint16_t peer_port = 0;
        std::string bytes;
    };
    struct FloodState {
        int count = 0;
        int64_t last_ns = 0;
    };

    void run();
    void wait_for_kernel_timestamps(const struct sockaddr_in& self);
    void handle_datagram(const std::string& bytes, const std::string& ip, uint16_t port,
                         int64_t arrival_ns);
    // Command handlers (fake_handlers.cc); all run with mu_ held.
    // `other`: Fault::other_record is in force for this request.
    Reply dispatch(const udp::ParsedCommand& cmd, const std::string& peer, bool other);
    Reply handle_auth(const udp::ParsedCommand& cmd, const std::string& peer);
    Reply handle_encrypt(const udp::ParsedCommand& cmd, const std::string& peer);
    Reply handle_file(const udp::ParsedCommand& cmd, const Session& s);
    Reply handle_anime(const udp::ParsedCommand& cmd, bool other);
    Reply handle_episode(const udp::ParsedCommand& cmd, bool other);
    Reply handle_group(const udp::ParsedCommand& cmd, bool other);
    // MyList handlers (fake_mylist.cc).
    Reply handle_mylist(const udp::ParsedCommand& cmd, const Session& s, bool other);
    Reply handle_mylistadd(const udp::ParsedCommand& cmd, const Session& s, bool other);
    Reply handle_mylistdel(const udp::ParsedCommand& cmd, const Session& s);
    const FakeRecord* find_file(const udp::ParsedCommand& cmd, Reply& err) const;
    // The anime / group an aid= or aname= (gid= or gname=) parameter names.
    const FakeRecord* find_anime(const udp::ParsedCommand& cmd) const;
    const FakeRecord* find_group(const udp::ParsedCommand& cmd) const;
    // The entries of the user's MyList an anime-form MYLIST / MYLISTDEL
    // selects ((aid|aname)[&(gid|gname)&epno]); err set when none can be.
    std::vector<int64_t> anime_entries(const udp::ParsedCommand& cmd,
                                       const std::map<int64_t, FakeRecord>& list, Reply& err) const;
    // The 312 summary line of some entries of one anime.
    std::string mylist_summary(const FakeRecord& anime,
                               const std::vector<const FakeRecord*>& entries) const;
    // The plan that applies to this request (its count taken), if any.
    std::optional<FaultPlan> take_fault(const udp::ParsedCommand* cmd);
    // FILE answered with the line of another catalog file (Fault::other_file).
    Reply other_file_reply(const udp::ParsedCommand& cmd, const std::string& peer);
    std::string file_line(const FakeRecord& file, const std::vector<std::string_view>& fnames,
                          const std::vector<std::string_view>& anames, const Session& s) const;
    void log_line(const DatagramRecord& rec);

    FakeServerOptions options_;
    uint16_t port_ = 0;
    int fd_ = -1;
    std::thread thread_;
    bool running_ = false;

    mutable std::mutex mu_;
    bool stop_requested_ = false;
    FakeCatalog catalog_;
    std::map<std::string, Session> sessions_;                          // by peer "ip:port"
    std::map<std::string, std::unique_ptr<udp::AesSession>> ciphers_;  // by peer
    std::map<std::string, FloodState> flood_;                          // by peer IP
    std::map<std::string, std::map<int64_t, FakeRecord>> mylists_;     // user -> fid -> entry
    int64_t next_lid_ = 5000001;
    std::vector<DatagramRecord> log_;
    std::vector<udp::ParsedCommand> served_;
    std::vector<std::string> issued_keys_;
    size_t compressed_ = 0;
    std::vector<Pending> outbox_;
    std::chrono::steady_clock::time_point started_;
    // faults
    int drop_next_ = 0, wrong_tag_next_ = 0, garbage_next_ = 0;
    int answer_code_ = 0, answer_next_ = 0;
    bool answer_untagged_ = false;
    int invalidate_code_ = 0;
    std::chrono::milliseconds delay_{0};
    bool duplicate_ = false;
    bool hold_ = false;
    std::vector<FaultPlan> plans_;
};

}  // namespace anidb::test
