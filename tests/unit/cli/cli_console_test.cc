// The console: results to a file or pipe leave in blocks (not one write per
// file), on a terminal line by line and only whole lines.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "console.h"
#include "support/temp_dir.h"

namespace anidb::cli {
namespace {

namespace fs = std::filesystem;

const EnvGetter kNoEnv = [](const char*) -> const char* { return nullptr; };

// Points standard output at `fd` while alive (gtest's own output is
// restored before any assertion runs).
class StdoutRedirect {
  public:
    explicit StdoutRedirect(int fd) : saved_(::dup(STDOUT_FILENO)) {
        std::fflush(stdout);
        ::dup2(fd, STDOUT_FILENO);
    }
    ~StdoutRedirect() {
        std::fflush(stdout);
        ::dup2(saved_, STDOUT_FILENO);
        ::close(saved_);
    }
    StdoutRedirect(const StdoutRedirect&) = delete;
    StdoutRedirect& operator=(const StdoutRedirect&) = delete;

  private:
    int saved_;
};

std::string drain(int fd) {
    std::string out;
    char buffer[4096];
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, 100) > 0 && (p.revents & POLLIN) != 0) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        out.append(buffer, static_cast<size_t>(n));
    }
    return out;
}

TEST(CliConsole, ResultsToAFileLeaveInBlocks) {
    test::TempDir dir;
    const fs::path path = dir / "out.txt";
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    uintmax_t after_records = 1, after_finish = 0;
    {
        StdoutRedirect redirect(fd);
        Console console(kNoEnv);
        for (int i = 0; i < 200; ++i) console.out() << "result line " << i << '\n' << std::flush;
        after_records = fs::file_size(path);  // each record flushed: still nothing written
        console.finish();
        after_finish = fs::file_size(path);
    }
    ::close(fd);
    EXPECT_EQ(after_records, 0u);
    EXPECT_GT(after_finish, 200u * 14);
}

TEST(CliConsole, ResultsOnATerminalAppearAtEachRecordInWholeLines) {
    int master = -1, slave = -1;
    ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
    std::string first, partial, last;
    {
        StdoutRedirect redirect(slave);
        Console console(kNoEnv);
        console.out() << "one\n" << std::flush;
        first = drain(master);
        console.out() << "two" << std::flush;  // half a line waits for its end
        partial = drain(master);
        console.out() << " halves\n" << std::flush;
        last = drain(master);
        console.finish();
    }
    ::close(slave);
    ::close(master);
    EXPECT_EQ(first, "one\r\n");
    EXPECT_EQ(partial, "");
    EXPECT_EQ(last, "two halves\r\n");
}

}  // namespace
}  // namespace anidb::cli
