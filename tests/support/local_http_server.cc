#include "support/local_http_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

extern char** environ;

namespace anidb::test {

namespace {

// Reads one line from `fd` within `timeout_ms`.
std::string read_line(int fd, int timeout_ms) {
    std::string line;
    char c = 0;
    while (true) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) break;
        if (::read(fd, &c, 1) != 1 || c == '\n') break;
        line.push_back(c);
    }
    return line;
}

}  // namespace

LocalHttpServer::LocalHttpServer(std::filesystem::path root) : root_(std::move(root)) {
    int out_pipe[2];
    int in_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        throw std::runtime_error("pipe");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
    const std::string python = ANIDB_TEST_PYTHON3;
    const std::string script = ANIDB_TEST_HTTP_SERVER_SCRIPT;
    const std::string root_arg = root_.string();
    char* argv[] = {const_cast<char*>(python.c_str()), const_cast<char*>(script.c_str()),
                    const_cast<char*>("--root"), const_cast<char*>(root_arg.c_str()), nullptr};
    const int rc = ::posix_spawn(&pid_, python.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    ::close(in_pipe[0]);
    stdin_fd_ = in_pipe[1];
    if (rc != 0) {
        ::close(out_pipe[0]);
        ::close(stdin_fd_);
        throw std::runtime_error("cannot start " + python + " " + script);
    }
    const std::string line = read_line(out_pipe[0], 10'000);
    ::close(out_pipe[0]);
    if (line.rfind("PORT ", 0) == 0) port_ = static_cast<uint16_t>(std::stoi(line.substr(5)));
    if (port_ == 0) {
        stop();
        throw std::runtime_error("the local HTTP server did not start: '" + line + "'");
    }
}

LocalHttpServer::~LocalHttpServer() {
    stop();
}

void LocalHttpServer::stop() noexcept {
    if (stdin_fd_ >= 0) ::close(stdin_fd_);
    stdin_fd_ = -1;
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }
}

std::string LocalHttpServer::url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::vector<LocalHttpServer::Request> LocalHttpServer::requests() const {
    std::vector<Request> out;
    std::ifstream log(root_ / "requests.log");
    std::string line;
    while (std::getline(log, line)) {
        Request r;
        std::vector<std::string> fields;
        for (size_t start = 0;;) {
            const size_t tab = line.find('\t', start);
            fields.push_back(line.substr(start, tab - start));
            if (tab == std::string::npos) break;
            start = tab + 1;
        }
        fields.resize(4);
        r.path = fields[0];
        r.if_none_match = fields[1];
        r.if_modified_since = fields[2];
        r.user_agent = fields[3];
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace anidb::test
