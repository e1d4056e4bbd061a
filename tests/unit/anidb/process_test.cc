// Several processes, one machine: the host-wide lock and state (rate limit,
// cool-downs, the fixed local port) are honoured by a second process. The
// second process is this test binary run again with ANIDB_UDP_CHILD_* set,
// running ChildProcess.Run.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "fixture.h"

namespace anidb::udp::testing {
namespace {

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

Settings child_settings() {
    Settings s;
    s.server_host = "127.0.0.1";
    s.server_port = static_cast<uint16_t>(std::atoi(env("ANIDB_UDP_CHILD_PORT")));
    s.local_port = static_cast<uint16_t>(std::atoi(env("ANIDB_UDP_CHILD_LOCAL_PORT")));
    s.username = kUser;
    s.password = kPassword;
    s.host_state_dir = env("ANIDB_UDP_CHILD_STATE");
    s.reply_timeout = std::chrono::milliseconds(500);
    s.interval_scale = 0.01;
    const std::string marker = env("ANIDB_UDP_CHILD_MARKER");
    s.on_event = [marker](const NetworkEvent& e) {
        if (!marker.empty() && e.kind == NetworkEvent::Kind::waiting &&
            e.waiting == NetworkEvent::Waiting::other_program)
            std::ofstream(marker) << "waiting\n";
    };
    return s;
}

// Runs only as the child of the tests below.
TEST(ChildProcess, Run) {
    std::string mode = env("ANIDB_UDP_CHILD_MODE");
    if (mode.empty()) GTEST_SKIP() << "only runs as a child process of CrossProcess tests";
    auto session = Session::open(child_settings());
    ASSERT_TRUE(session.ok()) << session.error().message;
    if (mode == "banned") {
        auto f = file_by_hash(**session, kSize, kEd2k);
        ASSERT_EQ(f.code(), Errc::banned);
        EXPECT_NE(f.error().message.find("not sending to AniDB before"), std::string::npos);
    } else if (mode == "pings") {
        for (int i = 0; i < 5; ++i) {
            auto port = (*session)->ping();
            ASSERT_TRUE(port.ok()) << port.error().message;
            if (child_settings().local_port != 0) {
                EXPECT_EQ(*port, child_settings().local_port);
            }
        }
    } else if (mode == "waiting-ban") {
        // Started while the parent's exchange holds the host-wide lock: it
        // waits, and must not send once the parent recorded the ban.
        auto port = (*session)->ping();
        EXPECT_EQ(port.code(), Errc::banned);
        EXPECT_TRUE(std::filesystem::exists(env("ANIDB_UDP_CHILD_MARKER")));
    }
}

int run_child(const std::string& mode, uint16_t port, const std::filesystem::path& state,
              uint16_t local_port = 0, const std::filesystem::path& marker = {}) {
    std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::string cmd =
        "ANIDB_UDP_CHILD_MODE=" + mode + " ANIDB_UDP_CHILD_PORT=" + std::to_string(port) +
        " ANIDB_UDP_CHILD_LOCAL_PORT=" + std::to_string(local_port) + " ANIDB_UDP_CHILD_MARKER='" +
        marker.string() + "'" + " ANIDB_UDP_CHILD_STATE='" + state.string() + "' '" + self +
        "' --gtest_filter=ChildProcess.Run >/dev/null 2>&1";
    return std::system(cmd.c_str());
}

// A UDP port that was free a moment ago.
uint16_t free_udp_port() {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

class CrossProcess : public UdpEndToEnd {};

TEST_F(CrossProcess, BanIsHonouredByAnotherProcess) {
    auto session = open();
    ASSERT_TRUE(session);
    ASSERT_TRUE(session->login().ok());
    server_->answer_next(555, 1);
    EXPECT_EQ(seen(file_by_hash(*session, kSize, kEd2k)).code(), Errc::banned);
    size_t before = server_->log().size();
    EXPECT_EQ(run_child("banned", server_->port(), host_dir()), 0);
    EXPECT_EQ(server_->log().size(), before);  // the other process sent nothing
}

TEST_F(CrossProcess, RateLimitIsSharedWithAnotherProcess) {
    Settings s = settings();
    s.username.clear();  // PING needs no login
    auto session = open(s);
    ASSERT_TRUE(session);
    int child_rc = -1;
    std::thread child([&] { child_rc = run_child("pings", server_->port(), host_dir()); });
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(seen(session->ping()).ok());
    child.join();
    EXPECT_EQ(child_rc, 0);
    EXPECT_EQ(server_->count("PING"), 10u);
    // TearDown asserts that no two of the ten arrived closer than the
    // (scaled) 2 s, whichever process sent them.
}

// Issue 12 item 2: two processes with the default (fixed) local port used to
// fail with "address already in use"; now each binds it only for its
// exchange, under the host-wide lock, and both send from that one port.
TEST_F(CrossProcess, FixedLocalPortIsSharedNotFought) {
    Settings s = settings();
    s.username.clear();
    s.local_port = free_udp_port();
    auto session = open(s);
    ASSERT_TRUE(session);
    int child_rc = -1;
    std::thread child(
        [&] { child_rc = run_child("pings", server_->port(), host_dir(), s.local_port); });
    for (int i = 0; i < 5; ++i) {
        auto port = seen(session->ping());
        ASSERT_TRUE(port.ok()) << port.error().message;
        EXPECT_EQ(*port, s.local_port);
    }
    child.join();
    EXPECT_EQ(child_rc, 0);
    EXPECT_EQ(server_->count("PING"), 10u);
    for (const auto& r : server_->log())
        EXPECT_EQ(r.peer, "127.0.0.1:" + std::to_string(s.local_port));
}

// Issue 12 item 6: a process already waiting for the host-wide lock when
// another one gets a 555 sends nothing afterwards (the cool-down is checked
// after the wait, immediately before the send).
TEST_F(CrossProcess, BanIsHonouredByAProcessAlreadyWaiting) {
    Settings s = settings();
    s.reply_timeout = std::chrono::milliseconds(120000);  // the reply is held below
    auto session = open(s);
    ASSERT_TRUE(session);
    ASSERT_TRUE(session->login().ok());
    server_->answer_next(555, 1);
    server_->hold_replies(true);
    Result<FileInfo> banned = make_error(Errc::unknown, "not run");
    std::thread parent([&] { banned = file_by_hash(*session, kSize, kEd2k); });
    const auto file_arrived = [&] {
        for (const auto& r : server_->log())
            if (r.text.starts_with("FILE ")) return true;
        return false;
    };
    while (!file_arrived()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto marker = dir_.path() / "child-waits";
    int child_rc = -1;
    std::thread child(
        [&] { child_rc = run_child("waiting-ban", server_->port(), host_dir(), 0, marker); });
    // The child is waiting for the lock the parent's exchange holds.
    for (int i = 0; i < 12000 && !std::filesystem::exists(marker); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(std::filesystem::exists(marker));
    const size_t before = server_->log().size();
    server_->hold_replies(false);
    parent.join();
    child.join();
    EXPECT_EQ(seen(banned).code(), Errc::banned);
    EXPECT_EQ(child_rc, 0);
    EXPECT_EQ(server_->log().size(), before);  // the waiting process sent nothing
}

}  // namespace
}  // namespace anidb::udp::testing
