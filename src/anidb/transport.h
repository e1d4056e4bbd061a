// UdpTransport: the one UDP socket a session uses, bound to one fixed local
// port and connected to the AniDB server, reused for the whole life of the
// session (retries and re-logins included). It does not pace: every send
// must go through RateLimiter (the Session does this). Not thread-safe; the
// owning Session serialises access.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace anidb::udp {

// The local UDP port used when the settings name none. Fixed (not random)
// because AniDB bans IPs that show many different source ports.
inline constexpr uint16_t kDefaultLocalPort = 45678;

class UdpTransport {
  public:
    // Resolves host (getaddrinfo, IPv4 or IPv6), binds local_port on the
    // wildcard address of that family and connects to the server. local_port
    // 0 (any free port) is only allowed for a loopback server (tests); ports
    // 1..1024 are refused. Errors: Errc::invalid_parameter, Errc::network.
    static Result<UdpTransport> open(const std::string& host, uint16_t port, uint16_t local_port);

    UdpTransport(UdpTransport&& other) noexcept;
    UdpTransport& operator=(UdpTransport&& other) noexcept;
    ~UdpTransport();

    // Sends one datagram. Errors: Errc::network.
    Status send(std::string_view datagram);
    // Waits for one datagram until deadline; std::nullopt when none came.
    // Errors: Errc::network.
    Result<std::optional<std::string>> receive(std::chrono::steady_clock::time_point deadline);
    // Discards datagrams already queued (late replies to earlier requests).
    void drain();

    bool server_is_loopback() const { return loopback_; }
    uint16_t local_port() const { return local_port_; }
    const std::string& endpoint() const { return endpoint_; }  // "host:port" as configured

  private:
    UdpTransport() = default;
    int fd_ = -1;
    bool loopback_ = false;
    uint16_t local_port_ = 0;
    std::string endpoint_;
};

}  // namespace anidb::udp
