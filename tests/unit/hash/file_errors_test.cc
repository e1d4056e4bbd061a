// hash_file on bad input, cancellation and progress: a clear error code,
// never a hang or a silently wrong hash.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "hash/hash_file.h"
#include "support/temp_dir.h"

namespace anidb::hash {
namespace {

const std::vector<Algorithm> kAll = {Algorithm::ed2k, Algorithm::crc32, Algorithm::md5,
                                     Algorithm::sha1, Algorithm::tth};

Result<FileHashes> hash_all(const std::filesystem::path& path) {
    FileHashOptions options;
    options.algorithms = kAll;
    return hash_file(path, options);
}

TEST(FileHashErrors, MissingFileIsFileNotFound) {
    test::TempDir dir;
    const auto got = hash_all(dir / "nope.mkv");
    EXPECT_EQ(got.code(), Errc::file_not_found);
    EXPECT_EQ(hash_all(dir / "nodir" / "x").code(), Errc::file_not_found);
}

TEST(FileHashErrors, UnreadableFileIsPermissionDenied) {
    if (geteuid() == 0) {
        GTEST_SKIP() << "running as root: root may open a file with mode 000, so the "
                        "permission check cannot fail here";
    }
    test::TempDir dir;
    const auto path = dir.write_bytes("secret", "data");
    ASSERT_EQ(::chmod(path.c_str(), 0), 0);
    EXPECT_EQ(hash_all(path).code(), Errc::permission_denied);
}

TEST(FileHashErrors, DirectoryIsNotARegularFile) {
    test::TempDir dir;
    const auto got = hash_all(dir.path());
    EXPECT_EQ(got.code(), Errc::invalid_parameter);
    EXPECT_NE(got.error().message.find("not a regular file"), std::string::npos);
}

TEST(FileHashErrors, FifoIsRejectedWithoutBlocking) {
    test::TempDir dir;
    const auto path = dir / "fifo";
    ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
    // No writer ever opens it: a blocking open would hang this test.
    EXPECT_EQ(hash_all(path).code(), Errc::invalid_parameter);
}

TEST(FileHashErrors, SocketIsRejected) {
    test::TempDir dir;
    const auto path = dir / "sock";
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string name = path.string();
    ASSERT_LT(name.size(), sizeof addr.sun_path);
    std::copy(name.begin(), name.end(), addr.sun_path);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const auto code = hash_all(path).code();
    ::close(fd);
    // Opening a socket path fails with ENXIO on Linux; either way it is refused.
    EXPECT_TRUE(code == Errc::invalid_parameter || code == Errc::io) << static_cast<int>(code);
}

TEST(FileHashErrors, CharacterDeviceIsRejected) {
    EXPECT_EQ(hash_all("/dev/null").code(), Errc::invalid_parameter);
    EXPECT_EQ(hash_all("/dev/zero").code(), Errc::invalid_parameter);
}

TEST(FileHashErrors, BadAlgorithmListsAreInvalidParameter) {
    test::TempDir dir;
    const auto path = dir.write_bytes("f", "abc");
    const std::vector<std::vector<Algorithm>> bad = {
        {},
        {Algorithm::ed2k, Algorithm::crc32, Algorithm::md5, Algorithm::sha1, Algorithm::tth,
         Algorithm::md5},
        {static_cast<Algorithm>(42)},
        {Algorithm::tth, Algorithm::tth},
    };
    for (const auto& list : bad) {
        FileHashOptions options;
        options.algorithms = list;
        const auto got = hash_file(path, options);
        EXPECT_EQ(got.code(), Errc::invalid_parameter);
    }
}

// Everything that happens while a file is read, for both engines: the
// shared reader (any set with MD5/SHA1/TTH) and the chunk engine (ED2K
// and CRC32), where every worker reads its own chunks.
class Engines : public ::testing::TestWithParam<std::vector<Algorithm>> {};

INSTANTIATE_TEST_SUITE_P(Hash, Engines,
                         ::testing::Values(kAll, std::vector<Algorithm>{Algorithm::ed2k},
                                           std::vector<Algorithm>{Algorithm::ed2k,
                                                                  Algorithm::crc32}),
                         [](const auto& param_info) {
                             switch (param_info.param.size()) {
                                 case 1:
                                     return std::string("Ed2kAlone");
                                 case 2:
                                     return std::string("Ed2kCrc32");
                                 default:
                                     return std::string("AllFive");
                             }
                         });

// The progress callback runs on the calling thread: it changes the file
// while hashing is under way, and the engine must notice.
Result<FileHashes> hash_while(const std::filesystem::path& path, std::vector<Algorithm> algorithms,
                              std::function<void(uint64_t, uint64_t)> on_progress) {
    FileHashOptions options;
    options.algorithms = std::move(algorithms);
    options.progress = std::move(on_progress);
    return hash_file(path, options);
}

TEST_P(Engines, FileHashErrors_FileShrinkingWhileHashedIsAnIoError) {
    test::TempDir dir;
    // Three ED2K chunks, so that ED2K alone has lanes on the pool that hit the
    // new end too.
    const auto path = dir.write_random("f", 24 << 20, 5);
    const auto got = hash_while(path, GetParam(), [&](uint64_t done, uint64_t) {
        if (done == 0) std::filesystem::resize_file(path, 3 << 20);
    });
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.code(), Errc::io);
    EXPECT_EQ(got.error().message, "file changed while hashing");
}

TEST_P(Engines, FileHashErrors_FileGrowingWhileHashedIsAnIoError) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 3 << 20, 5);
    const auto got = hash_while(path, GetParam(), [&](uint64_t done, uint64_t) {
        if (done == 0) std::ofstream(path, std::ios::app) << "more bytes";
    });
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.code(), Errc::io);
    EXPECT_EQ(got.error().message, "file changed while hashing");
}

TEST_P(Engines, FileHashErrors_FileGrowingAfterTheLastBlockIsAnIoError) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 3 << 20, 5);
    const auto got = hash_while(path, GetParam(), [&](uint64_t done, uint64_t total) {
        if (done == total) std::ofstream(path, std::ios::app) << "x";
    });
    EXPECT_EQ(got.code(), Errc::io);
}

// Same-size changes: only the time stamps or the inode tell. The file's
// mtime is set far in the past first, so that a write during hashing
// changes it even on a file system with coarse time stamps.
void age(const std::filesystem::path& path, int64_t seconds) {
    const timespec times[2] = {{seconds, 0}, {seconds, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

void overwrite_start(const std::filesystem::path& path, uint64_t seed) {
    const auto bytes = test::random_bytes(4096, seed);
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

TEST_P(Engines, FileHashErrors_SameSizeOverwriteWhileHashedIsAnIoError) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 3 << 20, 5);
    age(path, 1'000'000'000);
    const auto got = hash_while(path, GetParam(), [&](uint64_t done, uint64_t total) {
        if (done == total) overwrite_start(path, 99);  // after the last block was read
    });
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.code(), Errc::io);
    EXPECT_EQ(got.error().message, "file changed while hashing");
}

// The mtime put back (as a copy tool would): the change time still moved.
TEST_P(Engines, FileHashErrors_OverwriteWithMtimeRestoredIsAnIoError) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 3 << 20, 5);
    age(path, 1'000'000'000);
    // ctime cannot be set; let the clock move past the one it has now.
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    const auto got = hash_while(path, GetParam(), [&](uint64_t done, uint64_t total) {
        if (done != total) return;
        overwrite_start(path, 98);
        age(path, 1'000'000'000);
    });
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.code(), Errc::io);
    EXPECT_EQ(got.error().message, "file changed while hashing");
}

// Replaced by another file of the same size and mtime (an editor's atomic
// save): the bytes read are the old file's, no longer what the path holds.
TEST_P(Engines, FileHashErrors_ReplacedByRenameWhileHashedIsAnIoError) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 3 << 20, 5);
    age(path, 1'000'000'000);
    const auto got = hash_while(path, GetParam(), [&](uint64_t done, uint64_t total) {
        if (done != total) return;
        const auto other = dir.write_random("f.new", 3 << 20, 6);
        age(other, 1'000'000'000);
        std::filesystem::rename(other, path);
    });
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.code(), Errc::io);
    EXPECT_EQ(got.error().message, "file changed while hashing");
}

TEST_P(Engines, FileHashErrors_DeletedWhileHashedIsAnIoError) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 3 << 20, 5);
    const auto got = hash_while(path, GetParam(), [&](uint64_t done, uint64_t total) {
        if (done == total) std::filesystem::remove(path);
    });
    EXPECT_EQ(got.code(), Errc::io);
}

// What hashing saw of the file, for the cache to key the result by.
TEST_P(Engines, FileHashResult_CarriesTheStampOfTheBytesHashed) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 100000, 5);
    age(path, 1'234'567'890);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    FileHashOptions options;
    options.algorithms = GetParam();
    const auto got = hash_file(path, options);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->stamp.size, 100000u);
    EXPECT_EQ(got->stamp.mtime_ns, int64_t{1'234'567'890} * 1'000'000'000);
    EXPECT_EQ(got->stamp.inode, static_cast<uint64_t>(st.st_ino));
    EXPECT_EQ(got->stamp.device, static_cast<uint64_t>(st.st_dev));
}

TEST_P(Engines, FileHashCancel_StopBeforeStartIsCancelled) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 2 << 20, 5);
    std::stop_source stop;
    stop.request_stop();
    FileHashOptions options;
    options.algorithms = GetParam();
    options.stop = stop.get_token();
    EXPECT_EQ(hash_file(path, options).code(), Errc::cancelled);
}

TEST_P(Engines, FileHashCancel_StopDuringHashingEndsWithinABuffer) {
    test::TempDir dir;
    const uint64_t size = 32 << 20;
    const auto path = dir.write_random("f", size, 6);
    std::stop_source stop;
    uint64_t last_done = 0;
    FileHashOptions options;
    options.algorithms = GetParam();
    options.stop = stop.get_token();
    options.progress = [&](uint64_t done, uint64_t) {
        last_done = done;
        stop.request_stop();  // at the first call, before anything is read
    };
    const auto started = std::chrono::steady_clock::now();
    const auto got = hash_file(path, options);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(got.code(), Errc::cancelled);
    EXPECT_EQ(last_done, 0u);
    // Generous bound (sanitizers, a loaded machine): far less than hashing it all.
    EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST_P(Engines, FileHashCancel_StopFromAnotherThreadIsCancelledOrDone) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 24 << 20, 7);
    std::stop_source stop;
    FileHashOptions options;
    options.algorithms = GetParam();
    options.stop = stop.get_token();
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        stop.request_stop();
    });
    const auto got = hash_file(path, options);
    stopper.join();
    // Either the stop arrived in time or hashing had finished: never anything else.
    EXPECT_TRUE(got.code() == Errc::cancelled || got.ok()) << static_cast<int>(got.code());
}

TEST_P(Engines, FileHashProgress_SerialThrottledFinalAndNeverAfterReturn) {
    test::TempDir dir;
    const uint64_t size = 20 << 20;
    const auto path = dir.write_random("f", size, 8);
    const auto caller = std::this_thread::get_id();
    std::vector<std::pair<uint64_t, uint64_t>> calls;
    std::atomic<bool> returned{false};
    std::atomic<int> after_return{0};
    std::atomic<int> other_thread{0};
    FileHashOptions options;
    options.algorithms = GetParam();
    options.progress = [&](uint64_t done, uint64_t total) {
        if (returned) ++after_return;
        if (std::this_thread::get_id() != caller) ++other_thread;
        calls.emplace_back(done, total);
    };
    const auto got = hash_file(path, options);
    returned = true;
    ASSERT_TRUE(got.ok()) << got.error().message;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(after_return.load(), 0);
    EXPECT_EQ(other_thread.load(), 0);
    ASSERT_GE(calls.size(), 2u);
    EXPECT_EQ(calls.front().first, 0u);
    EXPECT_EQ(calls.back(), std::make_pair(size, size));
    for (size_t i = 1; i < calls.size(); ++i) {
        EXPECT_GE(calls[i].first, calls[i - 1].first);
        EXPECT_EQ(calls[i].second, size);
    }
}

TEST_P(Engines, FileHashProgress_ThrowingCallbackEndsHashingWithUnknown) {
    test::TempDir dir;
    const auto path = dir.write_random("f", 24 << 20, 9);
    int calls = 0;
    FileHashOptions options;
    options.algorithms = GetParam();
    options.progress = [&](uint64_t, uint64_t) {
        ++calls;
        throw std::runtime_error("callback failure");
    };
    const auto got = hash_file(path, options);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.code(), Errc::unknown);
    EXPECT_EQ(got.error().message, "the progress callback threw an exception");
    EXPECT_EQ(calls, 1);  // the first call ends it: no further calls
}

TEST_P(Engines, FileHashProgress_EmptyFileGetsAFinalCall) {
    test::TempDir dir;
    const auto path = dir.write_bytes("empty", "");
    std::vector<std::pair<uint64_t, uint64_t>> calls;
    FileHashOptions options;
    options.algorithms = GetParam();
    options.progress = [&](uint64_t done, uint64_t total) { calls.emplace_back(done, total); };
    const auto got = hash_file(path, options);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(got->digests.size(), GetParam().size());
    EXPECT_EQ(got->digests[0].value, "31d6cfe0d16ae931b73c59d7e0c089c0");  // ED2K comes first
    if (got->digests.size() == 5) {
        EXPECT_EQ(got->digests[4].value, "LWPNACQDBZRYXW3VHJVCJ64QBZNGHOHHHZWCLNQ");
    }
    ASSERT_FALSE(calls.empty());
    EXPECT_EQ(calls.back(), std::make_pair(uint64_t{0}, uint64_t{0}));
}

}  // namespace
}  // namespace anidb::hash
