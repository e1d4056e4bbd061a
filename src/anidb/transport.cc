#include "anidb/transport.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
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

constexpr std::chrono::milliseconds kPortRetrySlice{100};

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
    if (res->ai_addrlen > sizeof(sockaddr_storage))
        return make_error(Errc::network, "unexpected address size for " + host);
    UdpTransport t;
    std::memcpy(&t.server_, res->ai_addr, res->ai_addrlen);
    t.server_len_ = res->ai_addrlen;
    t.loopback_ = is_loopback(res->ai_addr);
    t.local_port_ = local_port;
    t.per_exchange_ = local_port != 0;
    t.endpoint_ = host + ":" + std::to_string(port);
    if (!t.per_exchange_) {
        if (Status st = t.bind_and_connect(nullptr); !st) return st.error();
    }
    return t;
}

UdpTransport::UdpTransport(UdpTransport&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      per_exchange_(o.per_exchange_),
      loopback_(o.loopback_),
      local_port_(o.local_port_),
      endpoint_(std::move(o.endpoint_)),
      server_(o.server_),
      server_len_(o.server_len_) {}

UdpTransport& UdpTransport::operator=(UdpTransport&& o) noexcept {
    if (this != &o) {
        close_socket();
        fd_ = std::exchange(o.fd_, -1);
        per_exchange_ = o.per_exchange_;
        loopback_ = o.loopback_;
        local_port_ = o.local_port_;
        endpoint_ = std::move(o.endpoint_);
        server_ = o.server_;
        server_len_ = o.server_len_;
    }
    return *this;
}

UdpTransport::~UdpTransport() {
    close_socket();
}

void UdpTransport::close_socket() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

Status UdpTransport::bind_and_connect(bool* port_busy) {
    if (port_busy != nullptr) *port_busy = false;
    const int family = server_.ss_family;
    fd_ = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return make_error(Errc::network, std::string("socket: ") + std::strerror(errno));
    sockaddr_storage local{};
    socklen_t local_len = 0;
    if (family == AF_INET6) {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&local);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(local_port_);
        in6->sin6_addr = in6addr_any;
        local_len = sizeof(sockaddr_in6);
    } else {
        auto* in = reinterpret_cast<sockaddr_in*>(&local);
        in->sin_family = AF_INET;
        in->sin_port = htons(local_port_);
        in->sin_addr.s_addr = htonl(INADDR_ANY);
        local_len = sizeof(sockaddr_in);
    }
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), local_len) != 0) {
        const int err = errno;
        close_socket();
        if (port_busy != nullptr) *port_busy = err == EADDRINUSE;
        return make_error(Errc::network, "cannot bind local UDP port " +
                                             std::to_string(local_port_) + ": " +
                                             std::strerror(err));
    }
    // connect(): the kernel then delivers only datagrams from the server.
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&server_), server_len_) != 0) {
        const int err = errno;
        close_socket();
        return make_error(Errc::network, "cannot reach " + endpoint_ + ": " + std::strerror(err));
    }
    socklen_t len = sizeof local;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len);
    local_port_ = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&local)->sin6_port
                                           : reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    return {};
}

Status UdpTransport::attach(StopWait& wait, const std::function<void()>& on_busy) {
    if (!per_exchange_ || fd_ >= 0) return {};
    const auto give_up = StopWait::Clock::now() + kPortBusyPatience;
    bool told = false;
    while (true) {
        bool busy = false;
        Status st = bind_and_connect(&busy);
        if (st || !busy) return st;
        if (StopWait::Clock::now() >= give_up)
            return make_error(Errc::network, st.error().message +
                                                 " (another program keeps it; anidb.local_port "
                                                 "chooses another port)");
        if (!told && on_busy) on_busy();
        told = true;
        if (!wait.sleep_until(StopWait::Clock::now() + kPortRetrySlice))
            return make_error(Errc::cancelled, "cancelled while waiting for the local UDP port");
    }
}

void UdpTransport::detach() {
    if (per_exchange_) close_socket();
}

Status UdpTransport::send(std::string_view datagram) {
    if (fd_ < 0) return make_error(Errc::network, "UDP send failed: no socket");
    ssize_t n = ::send(fd_, datagram.data(), datagram.size(), 0);
    if (n < 0 || static_cast<size_t>(n) != datagram.size())
        return make_error(Errc::network, std::string("UDP send failed: ") + std::strerror(errno));
    return {};
}

Result<std::optional<std::string>> UdpTransport::receive(StopWait::Clock::time_point deadline,
                                                         StopWait& wait) {
    if (fd_ < 0) return make_error(Errc::network, "UDP receive failed: no socket");
    std::string buf(65536, '\0');
    while (true) {
        switch (wait.wait_readable(fd_, deadline)) {
            case StopWait::Outcome::stopped:
                return make_error(Errc::cancelled, "cancelled while waiting for AniDB's reply");
            case StopWait::Outcome::timed_out:
                return std::optional<std::string>();
            case StopWait::Outcome::ready:
                break;
        }
        ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
        if (n < 0) {
            // ECONNREFUSED: an ICMP port-unreachable from a previous send;
            // nobody listens (yet). Keep waiting until the deadline.
            if (errno == EINTR || errno == ECONNREFUSED || errno == EAGAIN) continue;
            return make_error(Errc::network, std::string("recv: ") + std::strerror(errno));
        }
        buf.resize(static_cast<size_t>(n));
        return std::optional<std::string>(std::move(buf));
    }
}

void UdpTransport::drain() {
    if (fd_ < 0) return;
    char buf[65536];
    while (::recv(fd_, buf, sizeof buf, MSG_DONTWAIT) >= 0 || errno == ECONNREFUSED) {
    }
}

}  // namespace anidb::udp
