// io::device_is_rotational reads the rotational flag from a sysfs layout
// (a fake tree), partitions included.
#include "io/block_device.h"

#include <gtest/gtest.h>
#include <sys/sysmacros.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace anidb::io {
namespace {

TEST(BlockDevice, ReadsRotationalFlagFromSysfsLayout) {
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
}

}  // namespace
}  // namespace anidb::io
