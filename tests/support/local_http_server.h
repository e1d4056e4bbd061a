// A real HTTP server on 127.0.0.1 for tests that download: the Python script
// tests/support/http/local_http_server.py (Debian's python3, standard library
// only), started in its own process for the life of this object. Its routes
// (files with ETag/Last-Modified and 304s, slow, stalled and endless bodies,
// any status, redirects) are described in the script.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace anidb::test {

class LocalHttpServer {
  public:
    // Serves files from `root` (which also receives requests.log). Throws
    // std::runtime_error when the server does not start within 10 s.
    explicit LocalHttpServer(std::filesystem::path root);
    // Stops the server (SIGTERM to its process only) and waits for it.
    ~LocalHttpServer();
    LocalHttpServer(const LocalHttpServer&) = delete;
    LocalHttpServer& operator=(const LocalHttpServer&) = delete;

    uint16_t port() const { return port_; }
    // "http://127.0.0.1:<port>" + path
    std::string url(std::string_view path) const;

    struct Request {
        std::string path;
        std::string if_none_match;
        std::string if_modified_since;
        std::string user_agent;
    };
    // Every request received so far, in order.
    std::vector<Request> requests() const;

  private:
    void stop() noexcept;

    std::filesystem::path root_;
    pid_t pid_ = -1;
    int stdin_fd_ = -1;  // closing it tells the server to exit, even if we die
    uint16_t port_ = 0;
};

}  // namespace anidb::test
