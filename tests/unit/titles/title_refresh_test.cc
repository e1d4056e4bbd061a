// TitleIndex::refresh against a real HTTP server on 127.0.0.1: the 24 h rule
// counted in requests the server saw, conditional requests, and every way a
// download can go wrong leaving the stored titles as they were.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "support/local_http_server.h"
#include "support/temp_dir.h"
#include "titles_test_util.h"

namespace anidb::titles {
namespace {

using namespace test;
using Outcome = RefreshResult::Outcome;

RefreshOptions forcing() {
    RefreshOptions options;
    options.force = true;
    return options;
}

class TitleRefresh : public ::testing::Test {
  protected:
    void SetUp() override {
        write_file(web_ / "titles.dat.gz", gzip(sample_dump()));
        index_ = open_index(db_dir_ / "anidb.db");
        ASSERT_NE(index_, nullptr);
    }
    std::string url(std::string_view path) const { return server_.url(path); }
    // Requests the server saw for `path`.
    size_t requests_for(std::string_view path) const {
        size_t n = 0;
        for (const auto& r : server_.requests()) n += r.path == path ? 1 : 0;
        return n;
    }
    Result<RefreshResult> refresh(std::string_view path, int64_t now, bool force = false,
                                  RefreshOptions options = {}) {
        options.force = force;
        return index_->refresh(url(path), now, {}, options);
    }
    void expect_sample_titles() {
        auto r = index_->search("cowboy bebop");
        ASSERT_TRUE(r.ok());
        ASSERT_FALSE(r->matches.empty());
        EXPECT_EQ(r->matches[0].aid, 23u);
        EXPECT_TRUE(index_->verify().ok());
    }

    anidb::test::TempDir db_dir_;
    anidb::test::TempDir web_;
    anidb::test::LocalHttpServer server_{web_.path()};
    std::unique_ptr<TitleIndex> index_;
};

TEST_F(TitleRefresh, FirstRefreshDownloadsAndStores) {
    auto r = refresh("/files/titles.dat.gz", kNow);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->outcome, Outcome::updated);
    EXPECT_EQ(r->stored.titles, 221u);
    EXPECT_EQ(r->next_request_at, kNow + kDay);
    expect_sample_titles();
    const auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].if_none_match, "");  // nothing stored yet: unconditional
    // AniDB refuses requests that do not name the program (HTTP 403).
    EXPECT_EQ(requests[0].user_agent.rfind("libanidb/", 0), 0u) << requests[0].user_agent;
    auto status = index_->status(kNow);
    EXPECT_EQ(status->source_url, url("/files/titles.dat.gz"));
    EXPECT_EQ(status->last_request_at, kNow);
    EXPECT_EQ(status->dump_bytes, std::filesystem::file_size(web_ / "titles.dat.gz"));
}

TEST_F(TitleRefresh, NoSecondRequestWithin24Hours) {
    ASSERT_TRUE(refresh("/files/titles.dat.gz", kNow).ok());
    auto again = refresh("/files/titles.dat.gz", kNow + kHour);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->outcome, Outcome::up_to_date);
    auto forced = refresh("/files/titles.dat.gz", kNow + kDay - 1, true);
    ASSERT_TRUE(forced.ok());
    EXPECT_EQ(forced->outcome, Outcome::too_soon);
    EXPECT_EQ(forced->next_request_at, kNow + kDay);
    EXPECT_EQ(forced->stored.titles, 221u);
    // A second index on the same file (another process) is bound too.
    auto other = open_index(db_dir_ / "anidb.db");
    auto from_other = other->refresh(url("/files/titles.dat.gz"), kNow + kHour, {}, forcing());
    ASSERT_TRUE(from_other.ok());
    EXPECT_EQ(from_other->outcome, Outcome::too_soon);
    EXPECT_EQ(requests_for("/files/titles.dat.gz"), 1u);
}

TEST_F(TitleRefresh, After24HoursAsksConditionally) {
    ASSERT_TRUE(refresh("/files/titles.dat.gz", kNow).ok());
    auto r = refresh("/files/titles.dat.gz", kNow + kDay);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->outcome, Outcome::not_modified);
    EXPECT_EQ(r->stored.titles, 221u);
    const auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_FALSE(requests[1].if_none_match.empty());
    EXPECT_FALSE(requests[1].if_modified_since.empty());
    auto status = index_->status(kNow + kDay);
    EXPECT_EQ(status->confirmed_at, kNow + kDay);
    EXPECT_EQ(status->imported_at, kNow);  // kept, not rewritten
    expect_sample_titles();
    // Confirmed now: the next automatic refresh waits another day.
    EXPECT_EQ(refresh("/files/titles.dat.gz", kNow + kDay + kHour)->outcome, Outcome::up_to_date);
}

TEST_F(TitleRefresh, ChangedDumpReplacesTitles) {
    ASSERT_TRUE(refresh("/files/titles.dat.gz", kNow).ok());
    write_file(web_ / "titles.dat.gz", gzip("42|1|x-jat|Brand New Show\n" + filler_lines(150)));
    auto r = refresh("/files/titles.dat.gz", kNow + 2 * kDay);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->outcome, Outcome::updated);
    EXPECT_EQ(r->stored.titles, 151u);
    EXPECT_TRUE(index_->search("cowboy bebop")->matches.empty());
    EXPECT_EQ(index_->search("brand new")->matches.at(0).aid, 42u);
}

TEST_F(TitleRefresh, DamagedDownloadsKeepStoredTitlesAndSpendTheDay) {
    ASSERT_TRUE(refresh("/files/titles.dat.gz", kNow).ok());
    const std::string gz = gzip("42|1|x-jat|Replacement\n" + filler_lines(150));
    write_file(web_ / "truncated.dat.gz", gz.substr(0, gz.size() - 10));
    write_file(web_ / "plain.dat", "42|1|x-jat|Not gzip\n");
    write_file(web_ / "garbage.dat.gz", gzip("<html><body>You are banned</body></html>\n"));
    int64_t now = kNow;
    for (const char* path :
         {"/files/truncated.dat.gz", "/files/plain.dat", "/files/garbage.dat.gz"}) {
        now += kDay;
        auto r = refresh(path, now);
        EXPECT_EQ(r.code(), Errc::protocol) << path;
        expect_sample_titles();
        // The failed request counted: nothing more today, even forced (the
        // stored titles are sound).
        auto after = refresh("/files/titles.dat.gz", now + kHour, true);
        ASSERT_TRUE(after.ok());
        EXPECT_EQ(after->outcome, Outcome::too_soon) << path;
    }
    EXPECT_EQ(requests_for("/files/titles.dat.gz"), 1u);
    EXPECT_TRUE(index_->search("replacement")->matches.empty());
}

TEST_F(TitleRefresh, ForcedRefreshRepairsDamagedTitlesWithin24Hours) {
    ASSERT_TRUE(refresh("/files/titles.dat.gz", kNow).ok());
    exec_sql(db_dir_ / "anidb.db",
             "UPDATE anime_titles SET title = 'Cowboy Bebap' WHERE aid = 23 AND type = 1");
    // Not forced: the damage is not looked for, the 24 h hold.
    EXPECT_EQ(refresh("/files/titles.dat.gz", kNow + kHour)->outcome, Outcome::up_to_date);
    auto r = refresh("/files/titles.dat.gz", kNow + 2 * kHour, true);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->outcome, Outcome::updated);
    // Damaged titles are not sent conditionally: a 304 would keep them.
    const auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[1].if_none_match, "");
    expect_sample_titles();
}

TEST_F(TitleRefresh, WithoutTitlesForceOverrides24Hours) {
    auto failed = refresh("/status/503", kNow);
    EXPECT_EQ(failed.code(), Errc::server_error);
    EXPECT_NE(failed.error().message.find("HTTP 503"), std::string::npos);
    auto held = refresh("/files/titles.dat.gz", kNow + 60);
    ASSERT_TRUE(held.ok());
    EXPECT_EQ(held->outcome, Outcome::too_soon);
    EXPECT_EQ(held->stored.titles, 0u);
    auto forced = refresh("/files/titles.dat.gz", kNow + 120, true);
    ASSERT_TRUE(forced.ok()) << forced.error().message;
    EXPECT_EQ(forced->outcome, Outcome::updated);
    expect_sample_titles();
}

TEST_F(TitleRefresh, GzipBombStopsAtTheLimit) {
    write_file(web_ / "bomb.dat.gz", gzip(std::string(16u << 20, '\0'), 9));
    RefreshOptions options;
    options.dump.max_dump_bytes = 1 << 20;
    auto r = refresh("/files/bomb.dat.gz", kNow, false, options);
    EXPECT_EQ(r.code(), Errc::protocol);
    EXPECT_NE(r.error().message.find("limit"), std::string::npos) << r.error().message;
    EXPECT_EQ(index_->status(kNow)->stored.titles, 0u);
}

TEST_F(TitleRefresh, OversizedBodiesAreCutOff) {
    RefreshOptions options;
    options.http.max_body_bytes = 1 << 20;
    // No Content-Length: cut at the limit.
    auto endless = refresh("/endless", kNow, false, options);
    EXPECT_EQ(endless.code(), Errc::protocol);
    EXPECT_NE(endless.error().message.find("limit"), std::string::npos);
    // A Content-Length over the limit: refused before the body.
    write_file(web_ / "big.dat.gz", gzip(filler_lines(20000)));
    options.http.max_body_bytes = 1024;
    auto big = refresh("/files/big.dat.gz", kNow + 60, true, options);
    EXPECT_EQ(big.code(), Errc::protocol);
    EXPECT_EQ(index_->status(kNow)->stored.titles, 0u);
}

TEST_F(TitleRefresh, StalledServerTimesOut) {
    RefreshOptions options;
    options.http.stall_timeout = std::chrono::seconds(1);
    auto r = refresh("/stall", kNow, false, options);
    EXPECT_EQ(r.code(), Errc::timeout) << r.error().message;
    options.http.stall_timeout = std::chrono::seconds(60);
    options.http.total_timeout = std::chrono::milliseconds(500);
    auto total = refresh("/stall", kNow + 60, true, options);
    EXPECT_EQ(total.code(), Errc::timeout) << total.error().message;
}

TEST_F(TitleRefresh, StopRequestCancelsTheDownload) {
    // About 60 KiB served at 5 KiB/s: cancelled long before it ends.
    write_file(web_ / "slow.dat.gz", gzip(filler_lines(20000), 0).substr(0, size_t{60} * 1024));
    std::stop_source stop;
    Result<RefreshResult> result = make_error(Errc::unknown, "not run");
    std::thread worker(
        [&] { result = index_->refresh(url("/slow/slow.dat.gz"), kNow, stop.get_token()); });
    while (requests_for("/slow/slow.dat.gz") == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop.request_stop();
    worker.join();
    EXPECT_EQ(result.code(), Errc::cancelled);
    // Already stopped: nothing is sent.
    EXPECT_EQ(
        index_->refresh(url("/files/titles.dat.gz"), kNow + 60, stop.get_token(), forcing()).code(),
        Errc::cancelled);
    EXPECT_EQ(requests_for("/files/titles.dat.gz"), 0u);
}

TEST_F(TitleRefresh, RedirectsOnlyToHttp) {
    auto to_file = refresh("/redirect?to=file:///etc/passwd", kNow);
    EXPECT_EQ(to_file.code(), Errc::protocol) << to_file.error().message;
    const std::string to_http = "/redirect?to=" + url("/files/titles.dat.gz");
    auto followed = refresh(to_http, kNow + 60, true);
    ASSERT_TRUE(followed.ok()) << followed.error().message;
    EXPECT_EQ(followed->outcome, Outcome::updated);
    expect_sample_titles();
}

TEST_F(TitleRefresh, BadUrlsAreRefusedWithoutARequest) {
    for (const char* bad : {"", "ftp://127.0.0.1/x", "file:///etc/passwd", "http://a b/",
                            "http://host/\r\nX-Injected: 1", "/files/titles.dat.gz", "http://"}) {
        EXPECT_EQ(index_->refresh(bad, kNow).code(), Errc::invalid_parameter) << bad;
    }
    EXPECT_EQ(index_->refresh(url("/files/titles.dat.gz"), 0).code(), Errc::invalid_parameter);
    RefreshOptions negative;
    negative.max_age = std::chrono::seconds(-1);
    EXPECT_EQ(index_->refresh(url("/files/titles.dat.gz"), kNow, {}, negative).code(),
              Errc::invalid_parameter);
    RefreshOptions no_time;
    no_time.http.total_timeout = std::chrono::milliseconds(0);
    EXPECT_EQ(index_->refresh(url("/files/titles.dat.gz"), kNow, {}, no_time).code(),
              Errc::invalid_parameter);
    RefreshOptions no_titles;
    no_titles.dump.max_titles = 0;
    EXPECT_EQ(index_->refresh(url("/files/titles.dat.gz"), kNow, {}, no_titles).code(),
              Errc::invalid_parameter);
    EXPECT_TRUE(server_.requests().empty());
    EXPECT_EQ(index_->status(kNow)->last_request_at, 0);  // refused calls spend nothing
}

TEST_F(TitleRefresh, RefusedConnectionIsANetworkError) {
    // A port that was free a moment ago.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    ::close(fd);
    const std::string closed = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/x";
    auto r = index_->refresh(closed, kNow);
    EXPECT_EQ(r.code(), Errc::network) << r.error().message;
}

}  // namespace
}  // namespace anidb::titles
