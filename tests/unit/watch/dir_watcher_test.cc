#include "watch/dir_watcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "support/temp_dir.h"

namespace anidb::watch {
namespace {

namespace fs = std::filesystem;

bool has(const std::vector<std::string>& v, const fs::path& p) {
    return std::find(v.begin(), v.end(), p.string()) != v.end();
}

// Waits (bounded) until `done` says the wakeups so far hold what it wants.
template <typename Done>
Wakeup collect(DirWatcher& w, Done done) {
    Wakeup all;
    for (int i = 0; i < 100 && !done(all); ++i) {
        Wakeup one = w.wait(Clock::now() + std::chrono::milliseconds(100));
        for (auto& f : one.files) all.files.push_back(f);
        for (auto& f : one.written) all.written.push_back(f);
        for (auto& f : one.folders) all.folders.push_back(f);
    }
    return all;
}

TEST(DirWatcher, SeesFilesInNewFoldersAndSkipsHiddenOnes) {
    test::TempDir dir;
    fs::create_directories(dir / "root" / "old");
    std::vector<std::string> log;
    DirWatcherOptions options;
    options.wanted = [](const std::string& p) { return p.ends_with(".mkv"); };
    options.log = [&](const std::string& line) { log.push_back(line); };
    auto w = DirWatcher::create({(dir / "root").string()}, options);
    ASSERT_TRUE(w.ok());
    Wakeup first = (*w)->wait(Clock::now());
    ASSERT_TRUE(has(first.folders, dir / "root"));
    EXPECT_EQ((*w)->watched_folders(), 2u);
    ASSERT_FALSE(log.empty());
    EXPECT_NE(log.back().find("with inotify"), std::string::npos);

    dir.write_bytes("root/old/a.mkv", "x");
    dir.write_bytes("root/old/.a.mkv.part", "x");
    dir.write_bytes("root/old/notes.txt", "x");
    fs::create_directories(dir / "root" / "new" / "deeper");
    Wakeup w1 = collect(**w, [&](const Wakeup& a) {
        return has(a.files, dir / "root/old/a.mkv") && has(a.folders, dir / "root/new");
    });
    EXPECT_TRUE(has(w1.files, dir / "root/old/a.mkv"));
    EXPECT_TRUE(has(w1.written, dir / "root/old/a.mkv"));
    EXPECT_FALSE(has(w1.files, dir / "root/old/.a.mkv.part"));
    EXPECT_FALSE(has(w1.files, dir / "root/old/notes.txt"));
    ASSERT_TRUE(has(w1.folders, dir / "root/new"));
    // The new folder (and the one below it) are watched now.
    dir.write_bytes("root/new/deeper/b.mkv", "y");
    Wakeup w2 =
        collect(**w, [&](const Wakeup& a) { return has(a.files, dir / "root/new/deeper/b.mkv"); });
    EXPECT_TRUE(has(w2.files, dir / "root/new/deeper/b.mkv"));

    auto found = (*w)->scan((dir / "root").string());
    ASSERT_EQ(found.size(), 2u);
}

TEST(DirWatcher, RootThatGoesAndComesBackIsWatchedAgain) {
    test::TempDir dir;
    fs::create_directories(dir / "root");
    std::vector<std::string> log;
    DirWatcherOptions options;
    options.log = [&](const std::string& line) { log.push_back(line); };
    auto w = DirWatcher::create({(dir / "root").string()}, options);
    ASSERT_TRUE(w.ok());
    (void)(*w)->wait(Clock::now());
    fs::remove(dir / "root");
    (void)collect(**w, [&](const Wakeup&) {
        return std::any_of(log.begin(), log.end(), [](const std::string& l) {
            return l.find("is gone") != std::string::npos;
        });
    });
    EXPECT_EQ((*w)->watched_folders(), 0u);
    fs::create_directories(dir / "root");
    Wakeup back = collect(**w, [&](const Wakeup& a) { return has(a.folders, dir / "root"); });
    EXPECT_TRUE(has(back.folders, dir / "root"));
    EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const std::string& l) {
        return l.find("is back") != std::string::npos;
    }));
    EXPECT_EQ((*w)->watched_folders(), 1u);
}

TEST(DirWatcher, MissingRootIsWaitedForAndWakeEndsAWait) {
    test::TempDir dir;
    std::vector<std::string> log;
    DirWatcherOptions options;
    options.log = [&](const std::string& line) { log.push_back(line); };
    auto w = DirWatcher::create({(dir / "later").string()}, options);
    ASSERT_TRUE(w.ok());
    (*w)->wake();
    Wakeup none = (*w)->wait(Clock::now() + std::chrono::hours(1));  // returns: woken
    EXPECT_TRUE(none.folders.empty());
    ASSERT_FALSE(log.empty());
    EXPECT_NE(log.front().find("does not exist"), std::string::npos);
}

TEST(DirWatcher, ForcedScanningReportsTheRootPeriodically) {
    test::TempDir dir;
    fs::create_directories(dir / "root");
    DirWatcherOptions options;
    options.force_scan = true;
    options.scan_interval = std::chrono::milliseconds(50);
    auto w = DirWatcher::create({(dir / "root").string()}, options);
    ASSERT_TRUE(w.ok());
    (void)(*w)->wait(Clock::now());
    EXPECT_EQ((*w)->watched_folders(), 0u);
    Wakeup again = collect(**w, [&](const Wakeup& a) { return has(a.folders, dir / "root"); });
    EXPECT_TRUE(has(again.folders, dir / "root"));
}

}  // namespace
}  // namespace anidb::watch
