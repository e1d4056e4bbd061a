// SequentialFile: what opens, how errors map, and change detection.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "io/sequential_file.h"
#include "support/temp_dir.h"

namespace anidb::io {
namespace {

TEST(SequentialFile, ReadsWholeFileInPieces) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 10000, 3);
    auto file = SequentialFile::open(path);
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->size(), 10000u);
    const auto expected = test::random_bytes(10000, 3);
    std::vector<std::byte> got(10000);
    size_t at = 0;
    while (at < got.size()) {
        auto n = file->read(std::span(got).subspan(at, std::min<size_t>(4096, got.size() - at)));
        ASSERT_TRUE(n.ok());
        ASSERT_GT(*n, 0u);
        at += *n;
    }
    EXPECT_EQ(std::memcmp(got.data(), expected.data(), got.size()), 0);
    EXPECT_EQ(file->position(), 10000u);
    // Asking for more than remains reads nothing more and is not an error.
    std::byte extra[16];
    auto n = file->read(extra);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 0u);
    EXPECT_TRUE(file->verify_unchanged_at_end().ok());
}

// read_at: positional, clipped to size(), position untouched, and safe from
// several threads at once (the ED2K engine's lanes share one file).
TEST(SequentialFile, ReadAtFromSeveralThreads) {
    test::TempDir dir;
    const size_t size = 100000;
    const auto path = dir.write_random("f", size, 4);
    const auto expected = test::random_bytes(size, 4);
    auto file = SequentialFile::open(path);
    ASSERT_TRUE(file.ok());
    std::vector<std::byte> got(size);
    std::vector<std::thread> threads;
    for (size_t part = 0; part < 4; ++part) {
        threads.emplace_back([&, part] {
            const size_t begin = part * (size / 4);
            const auto n = file->read_at(begin, std::span(got).subspan(begin, size / 4));
            EXPECT_TRUE(n.ok() && *n == size / 4);
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::memcmp(got.data(), expected.data(), size), 0);
    EXPECT_EQ(file->position(), 0u);
    std::vector<std::byte> tail(500);
    EXPECT_EQ(*file->read_at(size - 100, tail), 100u);  // clipped to the size
    EXPECT_EQ(*file->read_at(size + 7, tail), 0u);      // past the end: nothing
    EXPECT_TRUE(file->verify_unchanged_at_end().ok());  // no read() needed first
    std::filesystem::resize_file(path, size / 2);
    const auto shrunk = file->read_at(size / 2 - 10, tail);
    ASSERT_FALSE(shrunk.ok());
    EXPECT_EQ(shrunk.error().message, "file changed while hashing");
}

TEST(SequentialFile, ErrorsMapToCodes) {
    test::TempDir dir;
    EXPECT_EQ(SequentialFile::open(dir / "missing").code(), Errc::file_not_found);
    EXPECT_EQ(SequentialFile::open(dir / "missing" / "child").code(), Errc::file_not_found);
    const auto plain = dir.write_bytes("plain", "x");
    EXPECT_EQ(SequentialFile::open(plain / "child").code(), Errc::file_not_found);  // ENOTDIR
    EXPECT_EQ(SequentialFile::open(dir.path()).code(), Errc::invalid_parameter);
    EXPECT_EQ(SequentialFile::open("/dev/null").code(), Errc::invalid_parameter);
    const auto fifo = dir / "fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto r = SequentialFile::open(fifo);  // must return at once, no writer exists
    EXPECT_EQ(r.code(), Errc::invalid_parameter);
    EXPECT_NE(r.error().message.find("not a regular file"), std::string::npos);
}

TEST(SequentialFile, PermissionDenied) {
    if (geteuid() == 0) GTEST_SKIP() << "root ignores file modes; the check cannot fail as root";
    test::TempDir dir;
    const auto path = dir.write_bytes("secret", "x");
    ASSERT_EQ(::chmod(path.c_str(), 0), 0);
    EXPECT_EQ(SequentialFile::open(path).code(), Errc::permission_denied);
}

TEST(SequentialFile, ErrnoMapping) {
    EXPECT_EQ(errc_from_errno(ENOENT), Errc::file_not_found);
    EXPECT_EQ(errc_from_errno(EACCES), Errc::permission_denied);
    EXPECT_EQ(errc_from_errno(EPERM), Errc::permission_denied);
    EXPECT_EQ(errc_from_errno(EIO), Errc::io);
}

TEST(SequentialFile, ShrinkIsDetectedOnRead) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 8192, 1);
    auto file = SequentialFile::open(path);
    ASSERT_TRUE(file.ok());
    std::filesystem::resize_file(path, 4000);
    std::vector<std::byte> buf(8192);
    const auto n = file->read(buf);
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.code(), Errc::io);
    EXPECT_EQ(n.error().message, "file changed while hashing");
}

TEST(SequentialFile, GrowthIsDetectedAtEnd) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 8192, 1);
    auto file = SequentialFile::open(path);
    ASSERT_TRUE(file.ok());
    std::vector<std::byte> buf(8192);
    ASSERT_TRUE(file->read(buf).ok());
    std::ofstream(path, std::ios::app) << "tail";
    const Status s = file->verify_unchanged_at_end();
    EXPECT_EQ(s.code(), Errc::io);
    EXPECT_EQ(s.error().message, "file changed while hashing");
}

TEST(SequentialFile, ReplacedSizeIsDetectedAtEnd) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 8192, 1);
    auto file = SequentialFile::open(path);
    ASSERT_TRUE(file.ok());
    std::vector<std::byte> buf(8192);
    ASSERT_TRUE(file->read(buf).ok());
    // Shrunk after the last byte was read: no data beyond, but fstat differs.
    std::filesystem::resize_file(path, 100);
    EXPECT_EQ(file->verify_unchanged_at_end().code(), Errc::io);
}

TEST(SequentialFile, MovedFileKeepsReading) {
    test::TempDir dir;
    const auto path = dir.write_bytes("f", "abc");
    auto file = SequentialFile::open(path);
    ASSERT_TRUE(file.ok());
    SequentialFile moved = std::move(*file);
    std::byte buf[3];
    auto n = moved.read(buf);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 3u);
}

}  // namespace
}  // namespace anidb::io
