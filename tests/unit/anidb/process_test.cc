// Two processes, one machine: the cool-down file and the rate-limit lock
// file are honoured by a second process. The second process is this test
// binary run again with ANIDB_UDP_CHILD_* set, running ChildProcess.Run.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
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
    s.local_port = 0;
    s.username = kUser;
    s.password = kPassword;
    s.state_dir = env("ANIDB_UDP_CHILD_STATE");
    s.reply_timeout = std::chrono::milliseconds(500);
    s.interval_scale = 0.01;
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
        for (int i = 0; i < 5; ++i) EXPECT_TRUE((*session)->ping().ok());
    }
}

int run_child(const std::string& mode, uint16_t port, const std::filesystem::path& state) {
    std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::string cmd = "ANIDB_UDP_CHILD_MODE=" + mode +
                      " ANIDB_UDP_CHILD_PORT=" + std::to_string(port) + " ANIDB_UDP_CHILD_STATE='" +
                      state.string() + "' '" + self +
                      "' --gtest_filter=ChildProcess.Run >/dev/null 2>&1";
    return std::system(cmd.c_str());
}

class CrossProcess : public UdpEndToEnd {};

TEST_F(CrossProcess, BanIsHonouredByAnotherProcess) {
    auto session = open();
    ASSERT_TRUE(session);
    ASSERT_TRUE(session->login().ok());
    server_->answer_next(555, 1);
    EXPECT_EQ(seen(file_by_hash(*session, kSize, kEd2k)).code(), Errc::banned);
    size_t before = server_->log().size();
    EXPECT_EQ(run_child("banned", server_->port(), settings().state_dir), 0);
    EXPECT_EQ(server_->log().size(), before);  // the other process sent nothing
}

TEST_F(CrossProcess, RateLimitIsSharedWithAnotherProcess) {
    Settings s = settings();
    s.username.clear();  // PING needs no login
    auto session = open(s);
    ASSERT_TRUE(session);
    int child_rc = -1;
    std::thread child([&] { child_rc = run_child("pings", server_->port(), s.state_dir); });
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(seen(session->ping()).ok());
    child.join();
    EXPECT_EQ(child_rc, 0);
    EXPECT_EQ(server_->count("PING"), 10u);
    // TearDown asserts that no two of the ten arrived closer than the
    // (scaled) 2 s, whichever process sent them.
}

}  // namespace
}  // namespace anidb::udp::testing
