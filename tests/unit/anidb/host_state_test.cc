// The host-wide state (issue 12): its text is read strictly and clamped,
// symbolic links are never followed, a new private place is private
// whatever the umask, the lock wait ends at once on a stop, and the pacing
// and cool-down rules computed on it.
#include "anidb/host_state.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

#include "anidb/cooldown.h"
#include "anidb/rate_limiter.h"
#include "support/temp_dir.h"

namespace anidb::udp {
namespace {

namespace fs = std::filesystem;
using SysClock = std::chrono::system_clock;

std::string boot_id() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string s;
    in >> s;
    return s;
}

// A state text with a valid checksum, as a hostile or broken writer could make it.
std::string with_crc(const std::string& body) {
    char crc[32];
    std::snprintf(
        crc, sizeof crc, "crc %08lx\n",
        crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
    return body + crc;
}

int64_t unix_ms(SysClock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

TEST(HostRecord, RoundTrips) {
    HostRecord r;
    r.last_send_ns = monotonic_ns() - 5;
    r.run_start_ns = r.last_send_ns - 1000;
    record_cooldown(r, Errc::banned, std::chrono::minutes(30), "too many packets");
    record_no_answer(r, "no reply to FILE from api.anidb.net:9000", 1.0);
    auto back = parse_host_record(format_host_record(r));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->last_send_ns, r.last_send_ns);
    EXPECT_EQ(back->run_start_ns, r.run_start_ns);
    EXPECT_EQ(back->ban.code, Errc::banned);
    EXPECT_EQ(back->ban.reason, "too many packets");
    EXPECT_EQ(unix_ms(back->ban.until), unix_ms(r.ban.until));
    EXPECT_EQ(back->silence.code, Errc::timeout);
    EXPECT_EQ(back->silent_count, 1);
}

TEST(HostRecord, TornForeignOrTamperedTextIsNotRead) {
    const std::string good = format_host_record(HostRecord{});
    EXPECT_TRUE(parse_host_record(good));
    EXPECT_FALSE(parse_host_record(""));
    EXPECT_FALSE(parse_host_record(good.substr(0, good.size() / 2)));  // torn write
    std::string flipped = good;
    flipped[good.find("send ") + 5] = '7';  // changed without fixing the checksum
    EXPECT_FALSE(parse_host_record(flipped));
    EXPECT_FALSE(parse_host_record("#!/bin/sh\nrm -rf ~\n"));
    EXPECT_FALSE(
        parse_host_record(with_crc("anidb-host-state 1\nboot x\nsend -5 0\nban none 0 \n"
                                   "silence 0 none 0 \n")));
    EXPECT_FALSE(
        parse_host_record(with_crc("anidb-host-state 1\nboot x\nsend 0 0\nban "
                                   "no_answer 5 x\nsilence 0 none 0 \n")));
}

TEST(HostRecord, ValuesAreClampedAndTextEscaped) {
    const auto now = SysClock::now();
    const int64_t far = unix_ms(now + std::chrono::hours(24 * 365));
    const std::string body = "anidb-host-state 1\nboot " + boot_id() + "\nsend " +
                             std::to_string(monotonic_ns() + 3600000000000LL) + " 1\nban banned " +
                             std::to_string(far) + " evil \x1b]0;title\x07\x1b[2J\nsilence 99 " +
                             "no_answer " + std::to_string(far) + " x\n";
    auto r = parse_host_record(with_crc(body));
    ASSERT_TRUE(r);
    EXPECT_LE(r->ban.until, SysClock::now() + kMaxStoredWait);
    EXPECT_LE(r->silence.until, SysClock::now() + kMaxStoredWait);
    EXPECT_LE(r->last_send_ns, monotonic_ns());  // never in the future
    EXPECT_EQ(r->ban.reason.find('\x1b'), std::string::npos) << r->ban.reason;
    EXPECT_NE(r->ban.reason.find("\\x1b"), std::string::npos) << r->ban.reason;
    EXPECT_LE(r->silent_count, 64);
    // Another boot: packet times of that boot mean nothing now.
    const std::string other =
        "anidb-host-state 1\nboot 00000000-0000-0000-0000-000000000000\n"
        "send 5 1\nban none 0 \nsilence 0 none 0 \n";
    auto o = parse_host_record(with_crc(other));
    ASSERT_TRUE(o);
    EXPECT_EQ(o->last_send_ns, 0);
}

TEST(Cooldowns, LaterEndWinsAndExpiredIsIgnored) {
    HostRecord r;
    record_cooldown(r, Errc::out_of_service, std::chrono::milliseconds(-1), "past");
    EXPECT_FALSE(active_cooldown(r));
    record_cooldown(r, Errc::banned, std::chrono::hours(2), "long");
    const Cooldown kept =
        record_cooldown(r, Errc::out_of_service, std::chrono::minutes(1), "short");
    EXPECT_EQ(kept.code, Errc::banned);  // the longer one stays in force
    auto c = active_cooldown(r);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->code, Errc::banned);
    EXPECT_EQ(c->reason, "long");
    EXPECT_EQ(cooldown_error(*c).code, Errc::banned);
}

TEST(Cooldowns, NoAnswerBackoffGrowsAndAnAnswerEndsIt) {
    HostRecord r;
    const auto start = SysClock::now();
    for (size_t i = 0; i < kNoAnswerBackoff.size() + 2; ++i) {
        const Cooldown c = record_no_answer(r, "no reply", 1.0);
        const auto step = kNoAnswerBackoff[std::min(i, kNoAnswerBackoff.size() - 1)];
        EXPECT_GE(c.until, start + step);
        EXPECT_LE(c.until, SysClock::now() + step);
    }
    auto c = active_cooldown(r);
    ASSERT_TRUE(c);
    EXPECT_EQ(cooldown_error(*c).code, Errc::timeout);
    EXPECT_NE(cooldown_error(*c).message.find("AniDB did not answer"), std::string::npos);
    record_answer(r);
    EXPECT_FALSE(active_cooldown(r));
}

TEST(Pacing, ShortThenLongIntervalThenIdleReset) {
    const int64_t s = 1000000000;
    HostRecord r;
    EXPECT_EQ(next_send_ns(r, 100 * s, 1.0), 100 * s);  // nothing sent yet
    note_send(r, 100 * s, 1.0);
    EXPECT_EQ(next_send_ns(r, 100 * s, 1.0), 100 * s + 2200000000);
    // Continuous traffic for 30 minutes: 4.4 s.
    int64_t t = 100 * s;
    while (t < 100 * s + 30 * 60 * s) {
        t = next_send_ns(r, t, 1.0);
        note_send(r, t, 1.0);
    }
    EXPECT_EQ(next_send_ns(r, t, 1.0), t + 4400000000);
    // Ten idle minutes end the run.
    const int64_t later = t + 10 * 60 * s;
    EXPECT_EQ(next_send_ns(r, later, 1.0), later);
    note_send(r, later, 1.0);
    EXPECT_EQ(next_send_ns(r, later, 1.0), later + 2200000000);
}

class HostPlace : public ::testing::Test {
  protected:
    Result<std::unique_ptr<HostLock>> acquire(const fs::path& dir) {
        StopWait wait({});
        return HostLock::acquire(dir, wait, std::nullopt, {});
    }
    test::TempDir tmp;
};

TEST_F(HostPlace, NewPlaceIsPrivateWhateverTheUmask) {
    const mode_t old = ::umask(0);
    auto lock = acquire(tmp / "a" / "host");
    ::umask(old);
    ASSERT_TRUE(lock.ok()) << lock.error().message;
    EXPECT_EQ(mode_of(tmp / "a" / "host"), 0700u);
    EXPECT_EQ(mode_of(tmp / "a" / "host" / "state"), 0600u);
    ASSERT_TRUE((*lock)->save().ok());
    EXPECT_TRUE(peek_host_record(tmp / "a" / "host"));
}

TEST_F(HostPlace, SharedStickyPlaceGetsAFileEveryUserCanUse) {
    const fs::path dir = tmp / "shared";
    ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
    ASSERT_EQ(::chmod(dir.c_str(), 01777), 0);
    auto lock = acquire(dir);
    ASSERT_TRUE(lock.ok()) << lock.error().message;
    EXPECT_EQ(mode_of(dir / "state"), 0666u);
}

TEST_F(HostPlace, SymbolicLinksAreNeverFollowed) {
    const fs::path victim = tmp.write_bytes("victim", "precious\n");
    // The state file is a link to the victim.
    const fs::path dir = tmp / "host";
    fs::create_directory(dir);
    fs::create_symlink(victim, dir / "state");
    auto lock = acquire(dir);
    EXPECT_EQ(lock.code(), Errc::io);
    // The directory is a link.
    fs::create_directory_symlink(tmp / "elsewhere", tmp / "linked");
    fs::create_directory(tmp / "elsewhere");
    EXPECT_EQ(acquire(tmp / "linked").code(), Errc::io);
    EXPECT_FALSE(fs::exists(tmp / "elsewhere" / "state"));
    // A hard link to the victim (a second name for someone's file).
    const fs::path dir2 = tmp / "host2";
    fs::create_directory(dir2);
    fs::create_hard_link(victim, dir2 / "state");
    auto hard = acquire(dir2);
    EXPECT_EQ(hard.code(), Errc::io);
    if (!hard.ok()) {
        EXPECT_NE(hard.error().message.find(kHostStateDirEnv), std::string::npos);
    }
    std::ifstream in(victim);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "precious\n");
}

TEST_F(HostPlace, GarbageInTheFileIsReplacedNotTrusted) {
    const fs::path dir = tmp / "host";
    {
        auto lock = acquire(dir);
        ASSERT_TRUE(lock.ok());
    }
    std::ofstream(dir / "state") << "banned 99999999999999 forever\n";
    auto lock = acquire(dir);
    ASSERT_TRUE(lock.ok()) << lock.error().message;
    EXPECT_FALSE(active_cooldown((*lock)->record()));
    ASSERT_TRUE((*lock)->save().ok());
    EXPECT_TRUE(parse_host_record([&] {
        std::ifstream in(dir / "state");
        return std::string(std::istreambuf_iterator<char>(in), {});
    }()));
}

TEST_F(HostPlace, WaitingForTheLockEndsOnStopOrDeadline) {
    const fs::path dir = tmp / "host";
    { ASSERT_TRUE(acquire(dir).ok()); }
    const int holder = ::open((dir / "state").c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(holder, 0);
    ASSERT_EQ(::flock(holder, LOCK_EX), 0);  // "another program" holds it

    std::stop_source stop;
    StopWait wait(stop.get_token());
    bool told = false;
    std::thread stopper;
    auto r = HostLock::acquire(dir, wait, std::nullopt, [&] {
        told = true;
        stopper = std::thread([&] { stop.request_stop(); });
    });
    if (stopper.joinable()) stopper.join();
    EXPECT_TRUE(told);
    EXPECT_EQ(r.code(), Errc::cancelled);

    StopWait no_stop({});
    auto late = HostLock::acquire(dir, no_stop,
                                  StopWait::Clock::now() + std::chrono::milliseconds(120), {});
    EXPECT_EQ(late.code(), Errc::timeout);
    ::close(holder);
    EXPECT_TRUE(acquire(dir).ok());
}

// A program that releases the lock and takes it straight back (a long
// batch) does not starve one that waits: the waiter gets the next turn.
TEST_F(HostPlace, AWaitingProgramGetsTheNextTurn) {
    const fs::path dir = tmp / "host";
    std::atomic<bool> done{false}, waiting{false};
    std::atomic<int> busy_turns{0};  // turns the busy program took while the other waited
    auto first = acquire(dir);       // the busy program holds it when the other arrives
    ASSERT_TRUE(first.ok());
    std::thread busy([&, held = std::move(first).value()]() mutable {
        for (int i = 0; i < 200 && !done; ++i) {
            if (!held) {
                auto again = acquire(dir);
                ASSERT_TRUE(again.ok());
                held = std::move(again).value();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));  // one exchange
            const bool counted = waiting;
            held.reset();
            if (counted) ++busy_turns;
        }
    });
    std::thread waiter([&] {
        StopWait wait({});
        auto mine = HostLock::acquire(dir, wait, std::nullopt, [&] { waiting = true; });
        EXPECT_TRUE(mine.ok());
        done = true;
    });
    waiter.join();
    busy.join();
    EXPECT_TRUE(waiting);
    EXPECT_LE(busy_turns.load(), 2) << "the waiting program was starved";
}

}  // namespace
}  // namespace anidb::udp
