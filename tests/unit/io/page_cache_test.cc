// io::page_cache_share (how much of a file is in the page cache: decides
// whether a file on a spinning disk may be read in several places at once)
// and io::device_spins.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/block_device.h"
#include "io/page_cache.h"
#include "support/temp_dir.h"

namespace anidb::io {
namespace {

TEST(PageCache, JustWrittenFileIsCachedAndDroppedPagesAreNot) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 4 << 20, 1);
    EXPECT_EQ(page_cache_share(path), 1.0);
    // Written back, then dropped: the pages leave the cache.
    const int fd = ::open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::fdatasync(fd), 0);
    ASSERT_EQ(::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
    ::close(fd);
    EXPECT_LT(page_cache_share(path), 0.5);
}

TEST(PageCache, EmptyMissingAndNonRegularFiles) {
    test::TempDir dir;
    EXPECT_EQ(page_cache_share(dir.write_bytes("empty", "")), 1.0);
    EXPECT_EQ(page_cache_share(dir / "missing"), 0.0);
    EXPECT_EQ(page_cache_share(dir.path()), 0.0);
}

TEST(BlockDevice, SpinsIsTheCachedRotationalAnswer) {
    test::TempDir dir;
    struct stat st {};
    ASSERT_EQ(::stat(dir.path().c_str(), &st), 0);
    const bool spins = device_is_rotational(st.st_dev).value_or(false);
    EXPECT_EQ(device_spins(st.st_dev), spins);
    EXPECT_EQ(device_spins(st.st_dev), spins);  // from the per-process cache
}

}  // namespace
}  // namespace anidb::io
