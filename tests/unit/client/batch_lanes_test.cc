// process_batch with ED2K/CRC32 only, where each worker hashes the files it
// reads side by side in SIMD lanes (BatchLanes): the same digests as rhash
// on every kernel, large files and failures handled as before, every file's
// events and cache entry, cancellation and continue_on_error.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <stop_token>

#include "client/client.h"
#include "support/temp_dir.h"
#include "unit/hash/md4_kernels_support.h"
#include "unit/hash/rhash_oracle.h"

namespace anidb::client {
namespace {

using hash::Algorithm;
using hash::test_support::lower;
using hash::test_support::rhash_five;

std::shared_ptr<Client> make_client(const std::filesystem::path& cache_dir) {
    ClientConfig cfg;
    cfg.cache_dir = cache_dir;
    auto c = Client::create(cfg);
    EXPECT_TRUE(c.ok());
    return std::move(c).value();
}

size_t count(const PolledEvents& events, EventType type) {
    return static_cast<size_t>(std::count_if(events.begin(), events.end(),
                                             [&](const EventView& e) { return e.type == type; }));
}

TEST(BatchLanes, SmallLargeAndMissingFilesOnEveryKernel) {
    test::TempDir tmp;
    std::vector<std::filesystem::path> files;
    for (int i = 0; i < 50; ++i) {
        files.push_back(tmp.write_random("s" + std::to_string(i), (i * 7919) % 300000, i));
    }
    files.push_back(tmp.write_random("chunk", hash::kEd2kChunkSize, 1));
    files.push_back(tmp.write_random("large", 2 * hash::kEd2kChunkSize + 1, 2));
    files.push_back(tmp / "missing");
    std::vector<std::vector<std::string>> expected;
    for (const auto& f : files) {
        expected.push_back(std::filesystem::exists(f) ? rhash_five(f) : std::vector<std::string>{});
    }
    const size_t missing = files.size() - 1;

    for (const auto kernel : hash::test_support::runnable_kernels()) {
        hash::test_support::ForcedKernel forced(kernel);
        const std::string name = hash::md4_kernel_name(kernel);
        auto client = make_client(tmp / ("cache-" + name));
        BatchOptions bo;
        bo.algorithms = {Algorithm::crc32, Algorithm::ed2k};
        bo.max_concurrent = 2;
        auto batch = client->process_batch(files, bo);
        ASSERT_TRUE(batch.ok());
        EXPECT_EQ(batch->successful, files.size() - 1) << name;
        for (size_t i = 0; i < files.size(); ++i) {
            const auto& r = batch->results[i];
            EXPECT_EQ(r.path, files[i].string());
            if (i == missing) {
                EXPECT_EQ(r.status, FileStatus::failed);
                EXPECT_EQ(r.error, Errc::file_not_found) << r.error_message;
                continue;
            }
            ASSERT_EQ(r.status, FileStatus::completed) << name << " " << r.error_message;
            EXPECT_EQ(r.size, std::filesystem::file_size(files[i]));
            ASSERT_EQ(r.hashes.size(), 2u);
            EXPECT_EQ(lower(r.hashes[0].value), expected[i][1]) << name << " " << files[i];
            EXPECT_EQ(lower(r.hashes[1].value), expected[i][0]) << name << " " << files[i];
        }
        const auto events = client->events().poll(100000);
        const size_t hashed = files.size() - 1;
        EXPECT_EQ(count(events, EventType::file_start), hashed);
        EXPECT_EQ(count(events, EventType::hash_start), 2 * hashed);
        EXPECT_EQ(count(events, EventType::hash_complete), 2 * hashed);
        EXPECT_EQ(count(events, EventType::file_complete), hashed);

        // Every hashed file went into the cache.
        bo.skip_existing = true;
        auto again = client->process_batch(files, bo);
        ASSERT_TRUE(again.ok());
        for (size_t i = 0; i < files.size(); ++i) {
            if (i == missing) continue;
            EXPECT_TRUE(again->results[i].from_cache) << name << " " << files[i];
            EXPECT_EQ(again->results[i].hashes, batch->results[i].hashes);
        }
    }
}

// Byte progress adds up to exactly the batch's bytes, whether a file was
// hashed in a lane (counted when it ends) or, being large, by hash_file
// (counted as it goes): nothing counted twice, nothing left out.
TEST(BatchLanes, ProgressCountsEveryByteOnce) {
    test::TempDir tmp;
    std::vector<std::filesystem::path> files;
    uint64_t total = 0;
    for (int i = 0; i < 30; ++i) {
        files.push_back(tmp.write_random("s" + std::to_string(i), 50000 + i, i));
        total += 50000 + i;
    }
    for (int i = 0; i < 2; ++i) {
        files.push_back(tmp.write_random("l" + std::to_string(i), 3 * hash::kEd2kChunkSize + i, i));
        total += 3 * hash::kEd2kChunkSize + i;
    }
    auto client = make_client(tmp / "cache");
    uint64_t last = 0;
    bool monotonic = true;
    BatchOptions bo;
    bo.algorithms = {Algorithm::ed2k};
    bo.progress = [&](float, uint64_t done, uint64_t all) {
        EXPECT_EQ(all, total);
        monotonic = monotonic && done >= last;
        last = done;
    };
    auto batch = client->process_batch(files, bo);
    ASSERT_TRUE(batch.ok());
    EXPECT_EQ(batch->successful, files.size());
    EXPECT_TRUE(monotonic);
    EXPECT_EQ(last, total);
}

TEST(BatchLanes, CancelledBatchEndsEveryFileCompletedOrCancelled) {
    test::TempDir tmp;
    std::vector<std::filesystem::path> files;
    for (int i = 0; i < 200; ++i)
        files.push_back(tmp.write_random("f" + std::to_string(i), 200000, i));
    auto client = make_client(tmp / "cache");
    std::stop_source stop;
    BatchOptions bo;
    bo.algorithms = {Algorithm::ed2k};
    std::atomic<int> done{0};
    bo.on_file_done = [&](size_t, const FileResult&) {
        if (++done == 20) stop.request_stop();
    };
    auto batch = client->process_batch(files, bo, stop.get_token());
    ASSERT_TRUE(batch.ok());
    size_t cancelled = 0;
    for (const auto& r : batch->results) {
        if (r.status == FileStatus::cancelled) {
            ++cancelled;
            EXPECT_EQ(r.error, Errc::cancelled);
        } else {
            EXPECT_EQ(r.status, FileStatus::completed) << r.error_message;
        }
    }
    EXPECT_GT(cancelled, 0u);
    EXPECT_EQ(batch->failed, cancelled);
}

TEST(BatchLanes, StopsSchedulingAfterAFailureWithoutContinueOnError) {
    test::TempDir tmp;
    std::vector<std::filesystem::path> files = {tmp / "missing"};
    for (int i = 0; i < 40; ++i)
        files.push_back(tmp.write_random("f" + std::to_string(i), 1000, i));
    auto client = make_client(tmp / "cache");
    BatchOptions bo;
    bo.algorithms = {Algorithm::ed2k};
    bo.max_concurrent = 1;
    bo.continue_on_error = false;
    auto batch = client->process_batch(files, bo);
    ASSERT_TRUE(batch.ok());
    EXPECT_EQ(batch->results[0].error, Errc::file_not_found);
    for (size_t i = 1; i < files.size(); ++i) {
        EXPECT_EQ(batch->results[i].status, FileStatus::cancelled) << i;
    }
}

}  // namespace
}  // namespace anidb::client
