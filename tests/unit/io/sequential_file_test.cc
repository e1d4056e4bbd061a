// SequentialFile: what opens, how errors map, and change detection.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
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
