#include "support/fake_anidb/fake_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>

#include "anidb/compression.h"

namespace anidb::test {
namespace {

std::string peer_name(const std::string& ip, uint16_t port) {
    return ip + ":" + std::to_string(port);
}

std::string redact(const udp::ParsedCommand& cmd) {
    udp::Command c(cmd.name);
    for (const auto& [k, v] : cmd.params) c.add(k, v);
    return c.encode_redacted("");
}

std::string format_time(std::chrono::system_clock::time_point t) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>((ns / 1000) % 1000000));
    return std::string(buf) + frac;
}

}  // namespace

FakeAnidbServer::FakeAnidbServer(FakeServerOptions options) : options_(std::move(options)) {}

FakeAnidbServer::~FakeAnidbServer() {
    stop();
}

Status FakeAnidbServer::start() {
    if (running_) return {};
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return make_error(Errc::network, "fake server: socket() failed");
    int on = 1;
    setsockopt(fd_, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(options_.port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        fd_ = -1;
        return make_error(Errc::network,
                          "fake server: cannot bind 127.0.0.1:" + std::to_string(options_.port) +
                              ": " + std::strerror(errno));
    }
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    wait_for_kernel_timestamps(addr);
    started_ = std::chrono::steady_clock::now();
    stop_requested_ = false;
    running_ = true;
    thread_ = std::thread([this] { run(); });
    return {};
}

// Linux turns packet time-stamping on lazily (a deferred static key) after
// the first SO_TIMESTAMPNS socket appears; until then recvmsg() stamps a
// datagram when it is read, not when it arrived, which would make the
// flood check see gaps shorter than they were. Probe with datagrams to
// ourselves until a stamp predates the read by the pause we made.
void FakeAnidbServer::wait_for_kernel_timestamps(const sockaddr_in& self) {
    int probe = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (probe < 0) return;
    for (int attempt = 0; attempt < 100; ++attempt) {
        ::sendto(probe, "probe", 5, 0, reinterpret_cast<const sockaddr*>(&self), sizeof self);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        auto read_at = std::chrono::system_clock::now();
        char buf[16];
        iovec iov{buf, sizeof buf};
        alignas(cmsghdr) char control[256];
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        if (::recvmsg(fd_, &msg, 0) < 0) break;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
            timespec ts;
            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
            auto stamped = std::chrono::system_clock::time_point(
                std::chrono::duration_cast<std::chrono::system_clock::duration>(
                    std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
            if (read_at - stamped >= std::chrono::milliseconds(3)) {
                ::close(probe);
                return;
            }
        }
    }
    ::close(probe);
}

void FakeAnidbServer::stop() {
    if (!running_) return;
    {
        std::lock_guard lock(mu_);
        stop_requested_ = true;
    }
    thread_.join();
    ::close(fd_);
    fd_ = -1;
    running_ = false;
}

void FakeAnidbServer::run() {
    std::vector<char> buf(65536);
    while (true) {
        {
            std::lock_guard lock(mu_);
            if (stop_requested_) return;
            // Send what is due.
            auto now = std::chrono::steady_clock::now();
            for (auto it = outbox_.begin(); it != outbox_.end();) {
                if (hold_ || it->due > now) {
                    ++it;
                    continue;
                }
                sockaddr_in to{};
                to.sin_family = AF_INET;
                to.sin_port = htons(it->peer_port);
                inet_pton(AF_INET, it->peer_ip.c_str(), &to.sin_addr);
                ::sendto(fd_, it->bytes.data(), it->bytes.size(), 0,
                         reinterpret_cast<sockaddr*>(&to), sizeof to);
                it = outbox_.erase(it);
            }
        }
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 2) <= 0) continue;
        sockaddr_in from{};
        iovec iov{buf.data(), buf.size()};
        alignas(cmsghdr) char control[256];
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        ssize_t n = ::recvmsg(fd_, &msg, 0);
        if (n < 0) continue;
        int64_t arrival_ns = 0;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                timespec ts;
                std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
                arrival_ns = int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
            }
        }
        if (arrival_ns == 0)
            arrival_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        char ip[INET_ADDRSTRLEN] = {};
        inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
        std::lock_guard lock(mu_);
        handle_datagram(std::string(buf.data(), static_cast<size_t>(n)), ip, ntohs(from.sin_port),
                        arrival_ns);
    }
}

void FakeAnidbServer::handle_datagram(const std::string& bytes, const std::string& ip,
                                      uint16_t port, int64_t arrival_ns) {
    const std::string peer = peer_name(ip, port);
    DatagramRecord rec;
    rec.at = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(arrival_ns)));
    rec.peer = peer;
    FloodState& fs = flood_[ip];
    if (fs.count > 0) {
        rec.gap_ms = static_cast<double>(arrival_ns - fs.last_ns) / 1e6;
        rec.too_close = rec.gap_ms < static_cast<double>(options_.flood_interval.count());
    }
    ++fs.count;
    fs.last_ns = arrival_ns;  // dropped packets still count toward the rate
    auto finish = [&](bool dropped, std::string reason) {
        rec.dropped = dropped;
        rec.drop_reason = std::move(reason);
        log_line(rec);
        log_.push_back(rec);
    };

    // Decrypt when this peer switched encryption on.
    std::string plain = bytes;
    auto cit = ciphers_.find(peer);
    if (cit != ciphers_.end()) {
        auto d = cit->second->decrypt(bytes);
        if (!d) {
            rec.text = "<undecryptable>";
            return finish(true, "encryption");  // plain requests are thrown away
        }
        plain = std::move(d).value();
    }
    auto parsed = udp::parse_command(plain);
    rec.text = parsed ? redact(*parsed) : std::string("<garbage>");
    if (fs.count > 5 && rec.too_close) return finish(true, "flood");
    if (drop_next_ > 0) {
        --drop_next_;
        return finish(true, "fault");
    }
    const std::optional<FaultPlan> fault = take_fault(parsed ? &*parsed : nullptr);
    if (fault && fault->kind == Fault::silence) return finish(true, "fault");
    finish(false, {});

    Reply reply;
    if (!parsed) {
        reply.code = 598;
        reply.first_line = "UNKNOWN COMMAND";
    } else {
        const std::string* tag = parsed->get("tag");
        if (tag) reply.tag = *tag;
        if (fault && fault->kind == Fault::code) {
            // Server text full of terminal escapes: a title change, a screen
            // clear, colours. Clients must print it escaped.
            reply.code = fault->code;
            if (fault->code == 555) {
                reply.first_line = "BANNED";
                reply.lines.push_back("injected ban \x1b]0;pwned\x07\x1b[2J\x1b[31mRED\x1b[0m");
            } else {
                reply.first_line = "INJECTED - hostile \x1b]0;pwned\x07\x1b[2J\x1b[31mRED\x1b[0m";
            }
            if (fault->untagged) reply.tag.clear();
            served_.push_back(*parsed);
        } else if (fault && fault->kind == Fault::other_file && parsed->name == "FILE") {
            std::string keep_tag = reply.tag;
            reply = other_file_reply(*parsed, peer);
            reply.tag = keep_tag;
            served_.push_back(*parsed);
        } else if (answer_next_ > 0) {
            --answer_next_;
            reply.code = answer_code_;
            reply.first_line = answer_code_ == 555 ? "BANNED" : "SERVER ERROR - injected";
            if (answer_code_ == 555) reply.lines.push_back("injected ban");
            if (answer_untagged_) reply.tag.clear();
        } else {
            udp::Command probe(parsed->name);
            if (invalidate_code_ != 0 && probe.needs_session() && sessions_.count(peer)) {
                sessions_.erase(peer);
                reply.code = invalidate_code_;
                reply.first_line = invalidate_code_ == 501 ? "LOGIN FIRST" : "INVALID SESSION";
                invalidate_code_ = 0;
            } else {
                std::string keep_tag = reply.tag;
                reply = dispatch(*parsed, peer, fault && fault->kind == Fault::other_record);
                reply.tag = keep_tag;
            }
            served_.push_back(*parsed);
        }
    }
    if (wrong_tag_next_ > 0 && !reply.tag.empty()) {
        --wrong_tag_next_;
        reply.tag = "zz" + reply.tag;
    }
    if (fault && fault->kind == Fault::wrong_tag) reply.tag = "zz" + reply.tag;
    if (fault && fault->kind == Fault::huge_fields) {
        // Every text field becomes kilobytes long (escapes included) and 500
        // empty fields follow; numbers and hashes stay, so the reply is valid.
        const std::string blob = "\x1b[2J" + std::string(2000, 'W') + "\x07";
        for (auto& line : reply.lines) {
            std::vector<std::string> fields = udp::split_fields(line);
            for (auto& f : fields) {
                const bool number_or_hash =
                    !f.empty() && (f.find_first_not_of("0123456789") == std::string::npos ||
                                   (f.size() >= 8 &&
                                    f.find_first_not_of("0123456789abcdef") == std::string::npos));
                if (!number_or_hash) f = blob;
            }
            line.clear();
            for (size_t i = 0; i < fields.size(); ++i) line += (i ? "|" : "") + fields[i];
            line += std::string(500, '|');
        }
    }

    std::string text;
    if (!reply.tag.empty()) text = reply.tag + " ";
    text += std::to_string(reply.code) + " " + reply.first_line + "\n";
    for (const auto& l : reply.lines) text += l + "\n";
    if (fault && fault->kind == Fault::truncated) text.resize(text.size() * 3 / 5);
    std::string wire = text;
    auto sit = sessions_.find(peer);
    if (sit != sessions_.end() && sit->second.compress &&
        text.size() > options_.compress_threshold) {
        auto z = udp::deflate_datagram(text, options_.raw_deflate);
        if (z) {
            wire = std::move(z).value();
            ++compressed_;
        }
    }
    cit = ciphers_.find(peer);
    bool reply_encrypted = cit != ciphers_.end() && reply.code != 209;
    if (reply_encrypted) {
        auto e = cit->second->encrypt(wire);
        if (e) wire = std::move(e).value();
    }
    if (parsed && parsed->name == "LOGOUT" && reply.code == 203) ciphers_.erase(peer);
    if (fault && fault->kind == Fault::garbage) wire = std::string("\x01\xfe garbage |||\n");
    if (fault && fault->kind == Fault::zlib_bomb) {
        // 8 MiB of one letter deflates to a few kilobytes: a decompression bomb.
        auto bomb = udp::deflate_datagram(std::string(8u << 20, 'A'));
        if (bomb) wire = std::move(bomb).value();
    }

    auto due = std::chrono::steady_clock::now() + delay_;
    if (garbage_next_ > 0) {
        --garbage_next_;
        outbox_.push_back({due, ip, port, std::string("\x01garbage\xff|||\n", 13)});
        outbox_.push_back({due, ip, port, "t999999 200 fake LOGIN ACCEPTED\n"});
    }
    outbox_.push_back({due, ip, port, wire});
    if (duplicate_) outbox_.push_back({due, ip, port, wire});
}

void FakeAnidbServer::log_line(const DatagramRecord& rec) {
    if (options_.log_file.empty()) return;
    std::ofstream out(options_.log_file, std::ios::app);
    out << format_time(rec.at) << ' ' << rec.peer << " gap_ms=" << rec.gap_ms
        << (rec.too_close ? " TOO_CLOSE" : "")
        << (rec.dropped ? " DROPPED(" + rec.drop_reason + ")" : std::string()) << ' ' << rec.text
        << '\n';
}

void FakeAnidbServer::set_catalog(FakeCatalog catalog) {
    std::lock_guard lock(mu_);
    auto users = std::move(catalog_.users);
    catalog_ = std::move(catalog);
    catalog_.users.insert(catalog_.users.end(), users.begin(), users.end());
    mylists_.clear();
    for (const auto& m : catalog_.mylist) {
        const FakeRecord* file = catalog_.file_by_fid(m.get_int("fid"));
        FakeRecord e;
        for (auto k :
             {"lid", "fid", "state", "viewdate", "date", "storage", "source", "other", "filestate"})
            e.set(k, m.get(k));
        for (auto k : {"eid", "aid", "gid"}) e.set(k, file ? file->get(k) : std::string("0"));
        next_lid_ = std::max(next_lid_, m.get_int("lid") + 1);
        mylists_[m.get("user")][m.get_int("fid")] = std::move(e);
    }
}

std::optional<FakeRecord> FakeAnidbServer::mylist_entry(std::string_view user, int64_t fid) const {
    std::lock_guard lock(mu_);
    auto list = mylists_.find(std::string(user));
    if (list == mylists_.end()) return std::nullopt;
    auto it = list->second.find(fid);
    if (it == list->second.end()) return std::nullopt;
    return it->second;
}

size_t FakeAnidbServer::mylist_size(std::string_view user) const {
    std::lock_guard lock(mu_);
    auto list = mylists_.find(std::string(user));
    return list == mylists_.end() ? 0 : list->second.size();
}

void FakeAnidbServer::add_user(std::string name, std::string password, std::string api_key) {
    std::lock_guard lock(mu_);
    catalog_.users.push_back({std::move(name), std::move(password), std::move(api_key)});
}

void FakeAnidbServer::set_flood_interval(std::chrono::milliseconds interval) {
    std::lock_guard lock(mu_);
    options_.flood_interval = interval;
}

void FakeAnidbServer::set_compress_threshold(size_t bytes) {
    std::lock_guard lock(mu_);
    options_.compress_threshold = bytes;
}

void FakeAnidbServer::set_raw_deflate(bool on) {
    std::lock_guard lock(mu_);
    options_.raw_deflate = on;
}

void FakeAnidbServer::drop_next(int n) {
    std::lock_guard lock(mu_);
    drop_next_ = n;
}

void FakeAnidbServer::delay_replies(std::chrono::milliseconds delay) {
    std::lock_guard lock(mu_);
    delay_ = delay;
}

void FakeAnidbServer::hold_replies(bool on) {
    std::lock_guard lock(mu_);
    hold_ = on;
}

void FakeAnidbServer::duplicate_replies(bool on) {
    std::lock_guard lock(mu_);
    duplicate_ = on;
}

void FakeAnidbServer::wrong_tag_next(int n) {
    std::lock_guard lock(mu_);
    wrong_tag_next_ = n;
}

void FakeAnidbServer::answer_next(int code, int n, bool untagged) {
    std::lock_guard lock(mu_);
    answer_code_ = code;
    answer_next_ = n;
    answer_untagged_ = untagged;
}

void FakeAnidbServer::garbage_next(int n) {
    std::lock_guard lock(mu_);
    garbage_next_ = n;
}

void FakeAnidbServer::invalidate_session_next(int code) {
    std::lock_guard lock(mu_);
    invalidate_code_ = code;
}

void FakeAnidbServer::inject(FaultPlan plan) {
    std::lock_guard lock(mu_);
    plans_.push_back(std::move(plan));
}

void FakeAnidbServer::clear_faults() {
    std::lock_guard lock(mu_);
    plans_.clear();
}

std::optional<FaultPlan> FakeAnidbServer::take_fault(const udp::ParsedCommand* cmd) {
    for (auto it = plans_.begin(); it != plans_.end(); ++it) {
        if (it->count <= 0) continue;
        if (!it->command.empty() && (cmd == nullptr || cmd->name != it->command)) continue;
        --it->count;
        FaultPlan taken = *it;
        if (it->count == 0) plans_.erase(it);
        return taken;
    }
    return std::nullopt;
}

Result<FaultPlan> parse_fault(std::string_view text) {
    FaultPlan plan;
    plan.count = 1 << 30;  // until the server stops
    if (const size_t at = text.find('@'); at != std::string_view::npos) {
        plan.command = std::string(text.substr(at + 1));
        text = text.substr(0, at);
    }
    if (const size_t colon = text.find(':'); colon != std::string_view::npos) {
        plan.count = std::atoi(std::string(text.substr(colon + 1)).c_str());
        if (plan.count <= 0) return make_error(Errc::invalid_parameter, "fault count must be > 0");
        text = text.substr(0, colon);
    }
    static const std::pair<std::string_view, Fault> kinds[] = {
        {"silence", Fault::silence},       {"garbage", Fault::garbage},
        {"truncated", Fault::truncated},   {"wrong-tag", Fault::wrong_tag},
        {"zlib-bomb", Fault::zlib_bomb},   {"huge-fields", Fault::huge_fields},
        {"other-file", Fault::other_file}, {"other-record", Fault::other_record}};
    for (const auto& [name, kind] : kinds) {
        if (text == name) {
            plan.kind = kind;
            return plan;
        }
    }
    if (text.size() == 3 && text.find_first_not_of("0123456789") == std::string_view::npos) {
        plan.kind = Fault::code;
        plan.code = std::atoi(std::string(text).c_str());
        return plan;
    }
    return make_error(Errc::invalid_parameter, "unknown fault '" + std::string(text) + "'");
}

std::vector<DatagramRecord> FakeAnidbServer::log() const {
    std::lock_guard lock(mu_);
    return log_;
}

size_t FakeAnidbServer::flood_violations() const {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& r : log_) n += r.too_close ? 1 : 0;
    return n;
}

size_t FakeAnidbServer::count(std::string_view command) const {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& c : served_) n += c.name == command ? 1 : 0;
    return n;
}

std::optional<std::string> FakeAnidbServer::last_param(std::string_view command,
                                                       std::string_view key) const {
    std::lock_guard lock(mu_);
    for (auto it = served_.rbegin(); it != served_.rend(); ++it) {
        if (it->name != command) continue;
        const std::string* v = it->get(key);
        return v ? std::optional<std::string>(*v) : std::nullopt;
    }
    return std::nullopt;
}

std::vector<std::string> FakeAnidbServer::issued_keys() const {
    std::lock_guard lock(mu_);
    return issued_keys_;
}

size_t FakeAnidbServer::compressed_replies() const {
    std::lock_guard lock(mu_);
    return compressed_;
}

size_t FakeAnidbServer::active_sessions() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
}

}  // namespace anidb::test
