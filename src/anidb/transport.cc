#include "anidb/transport.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

namespace anidb::udp {
namespace {

bool is_loopback(const sockaddr* sa) {
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

}  // namespace

Result<UdpTransport> UdpTransport::open(const std::string& host, uint16_t port,
                                        uint16_t local_port) {
    if (host.empty() || port == 0)
        return make_error(Errc::invalid_parameter, "AniDB server host and port must be set");
    if (local_port != 0 && local_port <= 1024)
        return make_error(Errc::invalid_parameter, "local UDP port must be above 1024");
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
    if (rc != 0 || !res)
        return make_error(Errc::network,
                          "cannot resolve AniDB server " + host + ": " + gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(res, &freeaddrinfo);
    if (local_port == 0 && !is_loopback(res->ai_addr))
        return make_error(Errc::invalid_parameter,
                          "local UDP port 0 is only allowed for a loopback server");
    UdpTransport t;
    t.fd_ = ::socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (t.fd_ < 0) return make_error(Errc::network, std::string("socket: ") + std::strerror(errno));
    sockaddr_storage local{};
    socklen_t local_len = 0;
    if (res->ai_family == AF_INET6) {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&local);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(local_port);
        in6->sin6_addr = in6addr_any;
        local_len = sizeof(sockaddr_in6);
    } else {
        auto* in = reinterpret_cast<sockaddr_in*>(&local);
        in->sin_family = AF_INET;
        in->sin_port = htons(local_port);
        in->sin_addr.s_addr = htonl(INADDR_ANY);
        local_len = sizeof(sockaddr_in);
    }
    if (::bind(t.fd_, reinterpret_cast<sockaddr*>(&local), local_len) != 0)
        return make_error(Errc::network, "cannot bind local UDP port " +
                                             std::to_string(local_port) + ": " +
                                             std::strerror(errno));
    // connect(): the kernel then delivers only datagrams from the server.
    if (::connect(t.fd_, res->ai_addr, res->ai_addrlen) != 0)
        return make_error(Errc::network, "cannot reach " + host + ": " + std::strerror(errno));
    socklen_t len = sizeof local;
    getsockname(t.fd_, reinterpret_cast<sockaddr*>(&local), &len);
    t.local_port_ =
        ntohs(res->ai_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&local)->sin6_port
                                         : reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    t.loopback_ = is_loopback(res->ai_addr);
    t.endpoint_ = host + ":" + std::to_string(port);
    return t;
}

UdpTransport::UdpTransport(UdpTransport&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      loopback_(o.loopback_),
      local_port_(o.local_port_),
      endpoint_(std::move(o.endpoint_)) {}

UdpTransport& UdpTransport::operator=(UdpTransport&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(o.fd_, -1);
        loopback_ = o.loopback_;
        local_port_ = o.local_port_;
        endpoint_ = std::move(o.endpoint_);
    }
    return *this;
}

UdpTransport::~UdpTransport() {
    if (fd_ >= 0) ::close(fd_);
}

Status UdpTransport::send(std::string_view datagram) {
    ssize_t n = ::send(fd_, datagram.data(), datagram.size(), 0);
    if (n < 0 || static_cast<size_t>(n) != datagram.size())
        return make_error(Errc::network, std::string("UDP send failed: ") + std::strerror(errno));
    return {};
}

Result<std::optional<std::string>> UdpTransport::receive(
    std::chrono::steady_clock::time_point deadline) {
    char buf[65536];
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() < 0) return std::optional<std::string>();
        pollfd p{fd_, POLLIN, 0};
        int rc = ::poll(&p, 1, static_cast<int>(left.count()) + 1);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return make_error(Errc::network, std::string("poll: ") + std::strerror(errno));
        if (rc == 0) continue;  // re-check the deadline
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0) {
            // ECONNREFUSED: an ICMP port-unreachable from a previous send;
            // nobody listens (yet). Keep waiting until the deadline.
            if (errno == EINTR || errno == ECONNREFUSED || errno == EAGAIN) continue;
            return make_error(Errc::network, std::string("recv: ") + std::strerror(errno));
        }
        return std::optional<std::string>(std::string(buf, static_cast<size_t>(n)));
    }
}

void UdpTransport::drain() {
    char buf[65536];
    while (::recv(fd_, buf, sizeof buf, MSG_DONTWAIT) >= 0 || errno == ECONNREFUSED) {
    }
}

}  // namespace anidb::udp
