// Shared fixture of the end-to-end UDP tests: a FakeAnidbServer on
// 127.0.0.1 with the example catalog of docs/anidb-protocol.md, a private host-wide state
// directory (so parallel tests never share one budget), settings with
// interval_scale 0.01, and teardown checks that
// every test must pass: no flood violation in the server log, and no
// credential (password, API key, session key) in any event or error text.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "anidb/commands.h"
#include "anidb/session.h"
#include "support/fake_anidb/fake_server.h"
#include "support/temp_dir.h"

namespace anidb::udp::testing {

inline constexpr const char* kUser = "mika_r";
inline constexpr const char* kPassword = "sp&rrow=1\nsecret";
inline constexpr const char* kApiKey = "udpKeyOfMika";
inline constexpr uint64_t kSize = 734003200;
inline constexpr const char* kEd2k = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

class UdpEndToEnd : public ::testing::Test {
  protected:
    void SetUp() override {
        test::FakeServerOptions opt;
        opt.flood_interval = std::chrono::milliseconds(20);  // 2 s scaled like the client
        server_ = std::make_unique<test::FakeAnidbServer>(opt);
        server_->set_catalog(test::FakeCatalog::worked_example());
        server_->add_user(kUser, kPassword, kApiKey);
        ASSERT_TRUE(server_->start().ok());
    }

    void TearDown() override {
        server_->stop();
        EXPECT_EQ(server_->flood_violations(), 0u) << dump_log();
        std::vector<std::string> secrets{kPassword, kApiKey};
        for (const auto& k : server_->issued_keys()) secrets.push_back(k);
        std::lock_guard lock(mu_);
        for (const auto& text : texts_)
            for (const auto& s : secrets)
                EXPECT_EQ(text.find(s), std::string::npos) << "credential leaked in: " << text;
    }

    Settings settings() {
        Settings s;
        s.server_host = "127.0.0.1";
        s.server_port = server_->port();
        s.local_port = 0;
        s.username = kUser;
        s.password = kPassword;
        s.client_name = "libanidbtest";
        s.host_state_dir = host_dir();
        s.reply_timeout = std::chrono::milliseconds(250);
        s.max_retries = 2;
        s.busy_backoff = std::chrono::milliseconds(2000);  // 20 ms after scaling
        s.interval_scale = 0.01;
        s.on_event = [this](const NetworkEvent& e) {
            std::lock_guard lock(mu_);
            events_.push_back(e);
            texts_.push_back(e.endpoint + " " + e.command);
        };
        return s;
    }

    std::filesystem::path host_dir() const { return dir_.path() / "host"; }

    std::unique_ptr<Session> open(Settings s) {
        auto r = Session::open(std::move(s));
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return r.ok() ? std::move(r).value() : nullptr;
    }
    std::unique_ptr<Session> open() { return open(settings()); }

    // Remembers an error message for the credential check and returns it.
    template <typename T>
    const Result<T>& seen(const Result<T>& r) {
        if (!r.ok()) {
            std::lock_guard lock(mu_);
            texts_.push_back(r.error().message);
        }
        return r;
    }

    std::vector<NetworkEvent> events() {
        std::lock_guard lock(mu_);
        return events_;
    }

    std::string dump_log() const {
        std::string out;
        for (const auto& r : server_->log())
            out += r.peer + " gap=" + std::to_string(r.gap_ms) + (r.too_close ? " TOO_CLOSE" : "") +
                   (r.dropped ? " dropped(" + r.drop_reason + ")" : "") + " " + r.text + "\n";
        return out;
    }

    test::TempDir dir_;
    std::unique_ptr<test::FakeAnidbServer> server_;
    std::mutex mu_;
    std::vector<NetworkEvent> events_;
    std::vector<std::string> texts_;
};

}  // namespace anidb::udp::testing
