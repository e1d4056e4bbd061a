// Child processes of the queue tests: this test binary run again (fork +
// exec, so that ThreadSanitizer runs see a clean process) with
// QUEUE_CHILD_MODE and its parameters in the environment, running
// QueueChild.Run.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace anidb::queue::test {

inline std::string child_env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// Starts the child; returns its pid (-1 on failure).
inline pid_t spawn_child(const std::map<std::string, std::string>& vars) {
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::vector<std::string> env_text;
    for (char** e = environ; *e; ++e) env_text.emplace_back(*e);
    for (const auto& [k, v] : vars) env_text.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_text) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string filter = "--gtest_filter=QueueChild.Run";
    std::vector<char*> argv{const_cast<char*>(self.c_str()), filter.data(), nullptr};
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        if (null >= 0) {
            ::dup2(null, 1);
            ::dup2(null, 2);
        }
        ::execve(self.c_str(), argv.data(), envp.data());
        ::_exit(127);
    }
    return pid;
}

// Exit code of a finished child (-1 when it did not exit normally).
inline int wait_child(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Waits until `path` exists (a child's signal), at most `limit`.
inline bool wait_for_file(const std::filesystem::path& path,
                          std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (std::filesystem::exists(path)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

// Writes `text` to `path` at once (temp file + rename).
inline void signal_file(const std::filesystem::path& path, const std::string& text) {
    const auto tmp = path.string() + ".tmp";
    std::ofstream(tmp) << text;
    std::filesystem::rename(tmp, path);
}

}  // namespace anidb::queue::test
