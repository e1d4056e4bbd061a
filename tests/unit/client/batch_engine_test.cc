// The library's batch engine (Client::process_batch): results in input or
// completion order, streaming (nothing kept), the per-device read gate
// and its prefix rules, cached files past a busy slot, cancellation of a
// streaming batch.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <future>

#include <atomic>
#include <set>
#include <stop_token>
#include <thread>

#include "client/batch/read_gate.h"
#include "client/client.h"
#include "io/page_cache.h"
#include "io/reader_advice.h"
#include "support/temp_dir.h"

namespace anidb::client {
namespace {

using hash::Algorithm;

std::shared_ptr<Client> make_client(const std::filesystem::path& cache_dir) {
    ClientConfig cfg;
    cfg.cache_dir = cache_dir;
    auto c = Client::create(cfg);
    EXPECT_TRUE(c.ok());
    return std::move(c).value();
}

std::vector<std::string> small_files(test::TempDir& tmp, int n) {
    std::vector<std::string> files;
    for (int i = 0; i < n; ++i) {
        files.push_back(tmp.write_random("f" + std::to_string(i), 100 + (i * 37) % 5000, i));
    }
    return files;
}

// Streaming in input order: every file once, in order, nothing kept; for
// both the lanes (ED2K) and the single-file path (MD5), cold and warm.
TEST(BatchEngine, StreamsInInputOrderWithoutKeepingResults) {
    test::TempDir tmp;
    auto files = small_files(tmp, 300);
    files.insert(files.begin() + 17, (tmp / "missing").string());
    auto client = make_client(tmp / "cache");
    for (auto algorithms : {std::vector<Algorithm>{Algorithm::ed2k},
                            std::vector<Algorithm>{Algorithm::md5, Algorithm::crc32}}) {
        for (bool skip_existing : {false, true}) {
            BatchOptions bo;
            bo.algorithms = algorithms;
            bo.max_concurrent = 3;
            bo.skip_existing = skip_existing;
            bo.keep_results = false;
            bo.order = BatchOrder::input;
            std::vector<size_t> seen;
            bo.on_file_done = [&](size_t i, FileResult& r) {
                seen.push_back(i);
                EXPECT_EQ(r.path, files[i]);
                EXPECT_EQ(r.status, i == 17 ? FileStatus::failed : FileStatus::completed);
            };
            auto batch = client->process_batch(files, bo);
            ASSERT_TRUE(batch.ok());
            EXPECT_TRUE(batch->results.empty());
            EXPECT_EQ(batch->successful, files.size() - 1);
            EXPECT_EQ(batch->failed, 1U);
            ASSERT_EQ(seen.size(), files.size());
            for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i);
        }
    }
}

// Completion order hands each file over once and keeps the results in
// input order.
TEST(BatchEngine, CompletionOrderKeepsEveryResult) {
    test::TempDir tmp;
    auto files = small_files(tmp, 120);
    auto client = make_client(tmp / "cache");
    BatchOptions bo;
    bo.algorithms = {Algorithm::crc32};
    bo.max_concurrent = 4;
    std::multiset<size_t> seen;
    bo.on_file_done = [&](size_t i, FileResult&) { seen.insert(i); };
    auto batch = client->process_batch(files, bo);
    ASSERT_TRUE(batch.ok());
    ASSERT_EQ(batch->results.size(), files.size());
    for (size_t i = 0; i < files.size(); ++i) {
        EXPECT_EQ(seen.count(i), 1U);
        EXPECT_EQ(batch->results[i].path, files[i]);
    }
}

// A prefix rule of one reader still runs every file to the end, with
// lanes and without, several workers sharing the one slot.
TEST(BatchEngine, OneReaderPerPrefixCompletesEveryFile) {
    test::TempDir tmp;
    auto files = small_files(tmp, 80);
    auto client = make_client(tmp / "cache");
    ASSERT_TRUE(client->set_option("io.readers_for_path", tmp.path().string() + "/=1").ok());
    for (auto a : {Algorithm::ed2k, Algorithm::sha1}) {
        BatchOptions bo;
        bo.algorithms = {a};
        bo.max_concurrent = 4;
        bo.use_cache = false;
        auto batch = client->process_batch(files, bo);
        ASSERT_TRUE(batch.ok());
        EXPECT_EQ(batch->successful, files.size());
    }
    EXPECT_FALSE(client->set_option("io.readers_for_path", "no-count").ok());
    EXPECT_FALSE(client->set_option("io.readers_per_device", "-1").ok());
}

// Stopping a streaming batch from its result callback: no further file
// completes after the stop is seen, and the call returns.
TEST(BatchEngine, StopFromTheResultCallbackEndsTheBatch) {
    test::TempDir tmp;
    auto files = small_files(tmp, 400);
    auto client = make_client(tmp / "cache");
    std::stop_source stop;
    BatchOptions bo;
    bo.algorithms = {Algorithm::md5};
    bo.max_concurrent = 2;
    bo.keep_results = false;
    bo.order = BatchOrder::completion;
    size_t completed = 0, cancelled = 0;
    bo.on_file_done = [&](size_t, FileResult& r) {
        if (r.status == FileStatus::completed) ++completed;
        if (r.status == FileStatus::cancelled) ++cancelled;
        if (completed == 10) stop.request_stop();
    };
    auto batch = client->process_batch(files, bo, stop.get_token());
    ASSERT_TRUE(batch.ok());
    EXPECT_LT(completed, 10U + 2U);  // at most the files already being read
    EXPECT_EQ(completed + cancelled, files.size());
}

TEST(ReadGate, LongestPrefixWinsAndSlotsAreCounted) {
    ReadGate gate(2, {{"/mnt/nas", 1}, {"/mnt/nas/fast", 3}});
    const auto nas = gate.key_for("/mnt/nas/a.mkv", 5);
    const auto fast = gate.key_for("/mnt/nas/fast/b.mkv", 5);
    const auto other = gate.key_for("/mnt/nasty.mkv", 5);
    EXPECT_EQ(nas.rule, 0);
    EXPECT_EQ(fast.rule, 1);
    EXPECT_EQ(other.rule, -1);
    EXPECT_EQ(other.device, 5U);

    EXPECT_TRUE(gate.try_enter(nas, "/mnt/nas/a.mkv"));
    EXPECT_FALSE(gate.try_enter(nas, "/mnt/nas/c.mkv"));
    EXPECT_TRUE(gate.try_enter(other, "/mnt/nasty.mkv"));
    EXPECT_TRUE(gate.try_enter(other, "/mnt/nasty.mkv"));
    EXPECT_FALSE(gate.try_enter(other, "/mnt/nasty.mkv"));
    // A waiter gets the slot when it is given back, or gives up on stop.
    std::stop_source stop;
    stop.request_stop();
    EXPECT_FALSE(gate.enter(nas, "/mnt/nas/c.mkv", stop.get_token()));
    std::thread giver([&] { gate.leave(nas); });
    EXPECT_TRUE(gate.enter(nas, "/mnt/nas/c.mkv", std::stop_token{}));
    giver.join();
}

// Written back and dropped from the page cache (as if never read).
void drop_from_page_cache(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::fdatasync(fd), 0);
    ASSERT_EQ(::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
    ::close(fd);
}

// One reader per device, its slot held by another reader: a file all in
// the page cache is read at once without a slot (the stop token has fired:
// had it waited, take would have answered `stopped`); a file that is not
// cached waits until the slot is given back.
TEST(ReadGate, CachedFilePassesABusySlotAndUncachedFileWaits) {
    test::TempDir tmp;
    const std::string cached = tmp.write_random("cached", 256 << 10, 1);
    const std::string cold = tmp.write_random("cold", 256 << 10, 2);
    drop_from_page_cache(cold);
    ASSERT_EQ(io::page_cache_share(cached), 1.0);
    ASSERT_LT(io::page_cache_share(cold), 1.0);

    ReadGate gate(1, {});
    const auto key = gate.key_for(cached, 7);
    ASSERT_EQ(key, gate.key_for(cold, 7));
    ASSERT_TRUE(gate.try_enter(key, cached));  // the other reader's slot

    std::stop_source fired;
    fired.request_stop();
    WorkerSlots slots(gate);
    bool waited = false;
    EXPECT_EQ(slots.take(key, cached, fired.get_token(), [&] { waited = true; }),
              WorkerSlots::Taken::cached);
    EXPECT_FALSE(waited);
    EXPECT_EQ(gate.cached_passes(), 1U);
    slots.done(key);  // no slot of key is held: nothing to give back
    EXPECT_FALSE(gate.try_enter(key, cached));

    // The uncached file waits for the slot (before_wait runs first, which
    // tells us it is waiting) and gets it when the other reader leaves.
    std::promise<void> waiting;
    WorkerSlots::Taken taken = WorkerSlots::Taken::stopped;
    std::thread reader(
        [&] { taken = slots.take(key, cold, std::stop_token{}, [&] { waiting.set_value(); }); });
    waiting.get_future().wait();
    EXPECT_EQ(gate.cached_passes(), 1U);
    gate.leave(key);
    reader.join();
    EXPECT_EQ(taken, WorkerSlots::Taken::slot);
    EXPECT_FALSE(gate.try_enter(key, cold));  // the reader holds it now
    slots.done(key);
    slots.release_idle();
    EXPECT_TRUE(gate.try_enter(key, cold));
    gate.leave(key);
}

TEST(ReaderAdvice, LocalFolderIsNotRemote) {
    test::TempDir tmp;
    auto remote = io::on_network_or_fuse(tmp.path().string());
    ASSERT_TRUE(remote.has_value());
    EXPECT_FALSE(*remote);
    EXPECT_FALSE(io::on_network_or_fuse("/nonexistent/x").has_value());
    EXPECT_GE(io::advised_readers(tmp.path().string(), 0), 1U);
}

}  // namespace
}  // namespace anidb::client
