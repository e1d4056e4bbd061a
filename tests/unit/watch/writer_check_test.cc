#include "watch/writer_check.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>

#include "support/temp_dir.h"

namespace anidb::watch {
namespace {

class WriterCheckTest : public ::testing::Test {
  protected:
    // The lease's break signal (see writer_check.h).
    void SetUp() override { std::signal(SIGIO, SIG_IGN); }
    test::TempDir dir;
};

TEST_F(WriterCheckTest, ClosedFileHasNoWriter) {
    const auto path = dir.write_bytes("a.mkv", "data");
    EXPECT_EQ(open_for_writing(path), WriterCheck::none);
    EXPECT_FALSE(open_for_writing_by_proc(path));
}

TEST_F(WriterCheckTest, FileOpenForWritingIsSeen) {
    const auto path = dir.write_bytes("a.mkv", "data");
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(open_for_writing(path), WriterCheck::writing);
    EXPECT_TRUE(open_for_writing_by_proc(path));
    ::close(fd);
    EXPECT_EQ(open_for_writing(path), WriterCheck::none);
}

TEST_F(WriterCheckTest, ReaderIsNoWriter) {
    const auto path = dir.write_bytes("a.mkv", "data");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(open_for_writing(path), WriterCheck::none);
    EXPECT_FALSE(open_for_writing_by_proc(path));
    ::close(fd);
}

TEST_F(WriterCheckTest, MissingFileIsGone) {
    EXPECT_EQ(open_for_writing((dir / "nothing.mkv").string()), WriterCheck::gone);
}

}  // namespace
}  // namespace anidb::watch
