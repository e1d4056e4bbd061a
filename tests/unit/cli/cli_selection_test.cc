#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <climits>

#include <filesystem>

#include "device_io.h"
#include "file_selection.h"
#include "support/temp_dir.h"

namespace anidb::cli {
namespace {

TEST(CliSelection, MediaExtensionsAndGlobs) {
    EXPECT_TRUE(has_media_extension("a/b/Show 01.MKV"));
    EXPECT_TRUE(has_media_extension("x.mp4"));
    EXPECT_FALSE(has_media_extension("notes.txt"));
    EXPECT_FALSE(has_media_extension(".mkv"));
    EXPECT_TRUE(glob_matches("*.mkv", "dir/sub/a.mkv"));
    EXPECT_FALSE(glob_matches("sub/*.mkv", "dir/sub/a.mkv"));
    EXPECT_TRUE(glob_matches("dir/sub/*", "./dir/sub/a.mkv"));
    EXPECT_TRUE(glob_matches("*sample*", "x/Show-sample.mkv"));
}

TEST(CliSelection, WalksTreesInOrderWithFilters) {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "show/Extras");
    std::filesystem::create_directories(dir / "show/sub");
    dir.write_bytes("show/b.mkv", "b");
    dir.write_bytes("show/a.mkv", "a");
    dir.write_bytes("show/notes.txt", "n");
    dir.write_bytes("show/Extras/x.mkv", "x");
    dir.write_bytes("show/sub/c.mp4", "c");
    dir.write_bytes("show/sub/a-sample.mkv", "s");
    const std::string root = (dir / "show").string();

    FileFilter filter;
    filter.recursive = true;
    auto sel = select_files({root}, filter);
    EXPECT_TRUE(sel.problems.empty());
    EXPECT_EQ(sel.files,
              (std::vector<std::string>{root + "/Extras/x.mkv", root + "/a.mkv", root + "/b.mkv",
                                        root + "/sub/a-sample.mkv", root + "/sub/c.mp4"}));

    filter.exclude = {"Extras", "*sample*"};
    sel = select_files({root}, filter);
    EXPECT_EQ(sel.files,
              (std::vector<std::string>{root + "/a.mkv", root + "/b.mkv", root + "/sub/c.mp4"}));

    filter.exclude.clear();
    filter.include = {"*.txt"};
    sel = select_files({root}, filter);
    EXPECT_EQ(sel.files, std::vector<std::string>{root + "/notes.txt"});

    filter.include.clear();
    filter.all_files = true;
    EXPECT_EQ(select_files({root}, filter).files.size(), 7u - 1u);  // 6 files

    FileFilter flat;
    sel = select_files({root, root + "/notes.txt", root + "/missing.mkv"}, flat);
    EXPECT_EQ(sel.files,
              std::vector<std::string>{root + "/notes.txt"});  // named files always count
    ASSERT_EQ(sel.problems.size(), 2u);
    EXPECT_NE(sel.problems[0].message.find("-r"), std::string::npos);
}

// A tree whose deepest file's path is longer than PATH_MAX: built with
// mkdirat/openat, since no single path may name it. `hash -r` must say it
// cannot take it (a problem, so exit 1), never skip it silently.
TEST(CliSelection, PathsLongerThanPathMaxAreReportedNotSkipped) {
    test::TempDir dir;
    const std::string component(200, 'd');
    int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    size_t length = dir.path().string().size();
    while (length <= PATH_MAX + 200) {
        ASSERT_EQ(::mkdirat(fd, component.c_str(), 0700), 0);
        const int next = ::openat(fd, component.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ::close(fd);
        ASSERT_GE(next, 0);
        fd = next;
        length += 1 + component.size();
    }
    const int file = ::openat(fd, "deep.mkv", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(file, 0);
    ::close(file);
    ::close(fd);
    dir.write_bytes("shallow.mkv", "s");

    FileFilter filter;
    filter.recursive = true;
    const auto sel = select_files({dir.path().string()}, filter);
    EXPECT_EQ(sel.files, std::vector<std::string>{(dir / "shallow.mkv").string()});
    ASSERT_EQ(sel.problems.size(), 1u);
    EXPECT_GT(sel.problems[0].path.size(), static_cast<size_t>(PATH_MAX));
    EXPECT_NE(sel.problems[0].message.find("longer than PATH_MAX"), std::string::npos)
        << sel.problems[0].message;

    // The same path named on the command line.
    const std::string named = sel.problems[0].path + "/deep.mkv";
    const auto direct = select_files({named}, FileFilter{});
    EXPECT_TRUE(direct.files.empty());
    ASSERT_EQ(direct.problems.size(), 1u);
    EXPECT_NE(direct.problems[0].message.find("longer than PATH_MAX"), std::string::npos)
        << direct.problems[0].message;
}

TEST(CliDeviceIo, ReadsRotationalFlagFromSysfsLayout) {
    test::TempDir dir;
    const std::string root = dir.path().string();
    std::filesystem::create_directories(dir / "dev/block/8:0/queue");
    std::filesystem::create_directories(dir / "dev/block/259:0/queue");
    dir.write_bytes("dev/block/8:0/queue/rotational", "1\n");
    dir.write_bytes("dev/block/259:0/queue/rotational", "0\n");
    // A partition: 8:1 is a directory inside the disk's; its queue is one up.
    std::filesystem::create_directories(dir / "dev/block/8:0/sda1");
    std::filesystem::create_directory_symlink(dir / "dev/block/8:0/sda1", dir / "dev/block/8:1");
    EXPECT_EQ(device_is_rotational(makedev(8, 0), root), true);
    EXPECT_EQ(device_is_rotational(makedev(259, 0), root), false);
    EXPECT_EQ(device_is_rotational(makedev(8, 1), root), true);
    EXPECT_EQ(device_is_rotational(makedev(0, 42), root), std::nullopt);
    EXPECT_EQ(default_io_jobs(true), 1u);
    EXPECT_EQ(default_io_jobs(false), 4u);
    EXPECT_EQ(default_io_jobs(std::nullopt), 4u);
}

TEST(CliDeviceIo, SchedulerNeverExceedsADevicesLimit) {
    // Items 0,1,2 on device 1 (limit 1), 3 on device 2 (limit 2).
    DeviceScheduler s({1, 1, 1, 2}, {{1, 1}, {2, 2}});
    auto a = s.acquire();
    auto b = s.acquire();
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, 0u);
    EXPECT_EQ(*b, 3u);  // item 1 waits: device 1 is busy
    s.release(*a);
    auto c = s.acquire();
    ASSERT_TRUE(c);
    EXPECT_EQ(*c, 1u);
    s.release(*c);
    EXPECT_EQ(s.acquire(), std::optional<size_t>(2));
    EXPECT_EQ(s.acquire(), std::nullopt);
}

}  // namespace
}  // namespace anidb::cli
