// UdpTransport: the UDP socket of a session, connected to the AniDB server.
//
// With a fixed local port (the default, kDefaultLocalPort) the socket exists
// only for one exchange: attach() binds the port and connects, detach()
// closes it. The Session does both under the host-wide lock (host_state.h),
// so every process of the machine sends from the same source port, one at a
// time, and a second process never fails with "address already in use".
// Local port 0 (a free port; loopback servers only, i.e. tests) binds once
// at open() and keeps the socket for the session. It does not pace: every
// send must follow the rate limiter (the Session does this). Not
// thread-safe; the owning Session serialises access.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "anidb/stop_wait.h"
#include "common/result.h"

namespace anidb::udp {

// The local UDP port used when the settings name none. Fixed (not random)
// because AniDB bans IPs that show many different source ports.
inline constexpr uint16_t kDefaultLocalPort = 45678;
// How long attach() waits for a fixed port another program holds.
inline constexpr std::chrono::seconds kPortBusyPatience{10};

class UdpTransport {
  public:
    // Resolves host (getaddrinfo, IPv4 or IPv6). local_port 0 (any free
    // port) is only allowed for a loopback server (tests) and is bound now;
    // ports 1..1024 are refused. Errors: Errc::invalid_parameter,
    // Errc::network.
    static Result<UdpTransport> open(const std::string& host, uint16_t port, uint16_t local_port);

    UdpTransport(UdpTransport&& other) noexcept;
    UdpTransport& operator=(UdpTransport&& other) noexcept;
    ~UdpTransport();

    // Binds the fixed local port on the wildcard address and connects to the
    // server; nothing to do for a port-0 transport. When the port is in use
    // (a program that does not take the host-wide lock), calls on_busy once
    // and retries until it is free, the stop (Errc::cancelled) or
    // kPortBusyPatience (Errc::network).
    Status attach(StopWait& wait, const std::function<void()>& on_busy);
    // Closes the socket of a fixed-port transport (after the exchange).
    void detach();

    // Sends one datagram. Errors: Errc::network.
    Status send(std::string_view datagram);
    // Waits for one datagram until deadline; std::nullopt when none came.
    // Errors: Errc::network, Errc::cancelled (stop requested).
    Result<std::optional<std::string>> receive(StopWait::Clock::time_point deadline,
                                               StopWait& wait);
    // Discards datagrams already queued (late replies to earlier requests).
    void drain();

    bool server_is_loopback() const { return loopback_; }
    uint16_t local_port() const { return local_port_; }
    const std::string& endpoint() const { return endpoint_; }  // "host:port" as configured

  private:
    UdpTransport() = default;
    Status bind_and_connect(bool* port_busy);  // *port_busy: bind failed with EADDRINUSE
    void close_socket();

    int fd_ = -1;
    bool per_exchange_ = false;  // fixed port: bound for one exchange at a time
    bool loopback_ = false;
    uint16_t local_port_ = 0;
    std::string endpoint_;
    sockaddr_storage server_{};
    socklen_t server_len_ = 0;
};

}  // namespace anidb::udp
