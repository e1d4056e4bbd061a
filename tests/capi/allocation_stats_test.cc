// Results and event data through the C ABI: each result is one pooled block
// that goes back to the pool when its typed free function frees it (so the
// next result of its size is a pool hit), and anidb_get_allocation_stats
// reports every part of what the caller holds under its type.
#include <string>
#include <vector>

#include "capi/capi_internal.h"
#include "capi_fixture.h"

namespace anidb::test {
namespace {

anidb_memory_stats_t memory_stats() {
    anidb_memory_stats_t s{};
    EXPECT_EQ(anidb_get_memory_stats(&s), ANIDB_SUCCESS);
    return s;
}

std::vector<anidb_allocation_stats_t> by_type() {
    std::vector<anidb_allocation_stats_t> figures(ANIDB_ALLOCATION_TYPE_COUNT);
    size_t count = 0;
    EXPECT_EQ(anidb_get_allocation_stats(figures.data(), figures.size(), &count), ANIDB_SUCCESS);
    EXPECT_EQ(count, figures.size());
    return figures;
}

class AllocationStats : public CapiTest {
  protected:
    // Every event queued so far, polled and released.
    void drain_events() {
        anidb_event_t events[64];
        size_t n = 0;
        do {
            ASSERT_EQ(anidb_event_poll(client, events, 64, &n), ANIDB_SUCCESS);
        } while (n > 0);
    }
    anidb_file_result_t* process(const std::string& path) {
        const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K, ANIDB_HASH_CRC32};
        const auto opts = options_for(algos, 2);
        anidb_file_result_t* r = nullptr;
        EXPECT_EQ(anidb_process_file(client, path.c_str(), &opts, &r), ANIDB_SUCCESS);
        return r;
    }
    anidb_batch_result_t* batch(const std::vector<std::string>& paths) {
        std::vector<const char*> cpaths;
        for (const auto& p : paths) cpaths.push_back(p.c_str());
        const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K};
        anidb_batch_options_t bo{};
        bo.algorithms = algos;
        bo.algorithm_count = 1;
        bo.continue_on_error = 1;
        bo.skip_existing = 1;  // a second run is answered from the cache: no hashing buffers
        anidb_batch_result_t* b = nullptr;
        EXPECT_EQ(anidb_process_batch(client, cpaths.data(), cpaths.size(), &bo, &b),
                  ANIDB_SUCCESS);
        return b;
    }
};

// A file result answered from the cache needs no hashing buffer, so the pool
// sees only the result: freed, its block is idle; the next result reuses it.
TEST_F(AllocationStats, FreedFileResultsAreReusedFromThePool) {
    const std::string path = tmp.write_random("f.bin", 5000).string();
    anidb_free_file_result(process(path));       // hashed and cached
    anidb_file_result_t* first = process(path);  // from the cache
    ASSERT_NE(first, nullptr);
    const void* block = first;
    anidb_free_file_result(first);

    const anidb_memory_stats_t before = memory_stats();
    anidb_file_result_t* again = process(path);
    ASSERT_NE(again, nullptr);
    const anidb_memory_stats_t during = memory_stats();
    EXPECT_EQ(during.pool_hits, before.pool_hits + 1);
    EXPECT_EQ(during.pool_misses, before.pool_misses);
    // The same block, at another address: freeing the old pointer again (a
    // caller's double free) is refused and leaves the new result intact.
    EXPECT_NE(static_cast<const void*>(again), block);
    anidb_free_file_result(first);  // a deliberate stale free
    EXPECT_EQ(by_type()[ANIDB_ALLOCATION_FILE_RESULT].live_count, 1U);
    EXPECT_EQ(again->hash_count, 2U);
    EXPECT_EQ(std::string(again->file_path), path);
    anidb_free_file_result(again);
    EXPECT_EQ(memory_stats().pool_memory, during.pool_memory) << "back to the pool, not freed";
}

// A 1,000-file batch result is one pooled block: the next batch reuses it.
TEST_F(AllocationStats, ThousandFileBatchReusesItsPooledBlock) {
    std::vector<std::string> paths;
    for (int i = 0; i < 1000; ++i) {
        paths.push_back(tmp.write_bytes("file-" + std::to_string(i), "").string());
    }
    anidb_free_batch_result(batch(paths));  // hashed and cached
    drain_events();
    const anidb_memory_stats_t before = memory_stats();
    anidb_batch_result_t* b = batch(paths);
    ASSERT_NE(b, nullptr);
    const anidb_memory_stats_t during = memory_stats();
    EXPECT_GE(during.pool_hits, before.pool_hits + 1);
    EXPECT_EQ(during.pool_misses, before.pool_misses);
    EXPECT_EQ(during.active_allocations, 1U) << "one block for the whole batch";
    const auto figures = by_type();
    EXPECT_EQ(figures[ANIDB_ALLOCATION_BATCH_RESULT].live_count, 1U);
    EXPECT_EQ(figures[ANIDB_ALLOCATION_FILE_RESULT].live_count, 1000U);
    EXPECT_EQ(figures[ANIDB_ALLOCATION_HASH_RESULT].live_count, 1000U);
    EXPECT_EQ(figures[ANIDB_ALLOCATION_STRING].live_count, 1000U);
    ASSERT_EQ(b->total_files, 1000U);
    EXPECT_EQ(std::string(b->results[999].file_path), paths[999]);
    EXPECT_STREQ(b->results[999].hashes[0].hash_value, "31d6cfe0d16ae931b73c59d7e0c089c0");
    // One file of a batch is not a file result of its own.
    anidb_free_file_result(&b->results[1]);
    EXPECT_EQ(std::string(b->results[1].file_path), paths[1]);
    anidb_free_batch_result(b);
    drain_events();
}

// Per-type figures name every part of every result the caller holds.
TEST_F(AllocationStats, PerTypeCountsMatchWhatWasHandedOut) {
    const std::string a = tmp.write_random("a.bin", 3000, 1).string();
    std::vector<std::string> three;
    for (int i = 0; i < 3; ++i) {
        three.push_back(tmp.write_random(std::to_string(i) + ".bin", 2000, 2 + i).string());
    }
    drain_events();
    for (const auto& f : by_type()) {
        EXPECT_EQ(f.live_count, 0U);
        EXPECT_EQ(f.live_bytes, 0U);
    }

    anidb_file_result_t* file = process(a);  // file 1, string 1, hash 1
    anidb_batch_result_t* b = batch(three);  // batch 1, file 3, string 3, hash 3
    anidb_file_result_t* missing = nullptr;  // an error to read back
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_CRC32};
    const auto opts = options_for(algos, 1);
    EXPECT_NE(anidb_process_file(client, (tmp / "nope").c_str(), &opts, &missing), ANIDB_SUCCESS);
    char* error = anidb_client_get_last_error_string(client);               // string 1
    anidb_anime_info_t* info = capi::to_c_anime_info(client::AnimeInfo{});  // anime 1, string 14
    anidb_event_t events[64];
    size_t n = 0;
    ASSERT_EQ(anidb_event_poll(client, events, 64, &n), ANIDB_SUCCESS);  // event 1
    ASSERT_GT(n, 0U);
    ASSERT_TRUE(file && b && error && info);

    const auto figures = by_type();
    EXPECT_EQ(figures[ANIDB_ALLOCATION_FILE_RESULT].live_count, 4U);
    EXPECT_EQ(figures[ANIDB_ALLOCATION_BATCH_RESULT].live_count, 1U);
    EXPECT_EQ(figures[ANIDB_ALLOCATION_HASH_RESULT].live_count, 4U);
    EXPECT_EQ(figures[ANIDB_ALLOCATION_STRING].live_count, 1U + 3U + 1U + 14U);
    EXPECT_EQ(figures[ANIDB_ALLOCATION_ANIME_INFO].live_count, 1U);
    EXPECT_EQ(figures[ANIDB_ALLOCATION_EVENT].live_count, 1U);
    EXPECT_EQ(figures[ANIDB_ALLOCATION_BUFFER].live_count, 0U) << "no operation is running";
    const uint64_t paths_bytes =
        a.size() + 1 + three[0].size() + three[1].size() + three[2].size() + 3;
    EXPECT_EQ(figures[ANIDB_ALLOCATION_STRING].live_bytes,
              paths_bytes + std::string(error).size() + 1 + 14);
    EXPECT_EQ(figures[ANIDB_ALLOCATION_FILE_RESULT].live_bytes, 4 * sizeof(anidb_file_result_t));
    EXPECT_EQ(figures[ANIDB_ALLOCATION_ANIME_INFO].live_bytes, sizeof(anidb_anime_info_t));
    // 2 hashes in `file` (ED2K 32 + CRC32 8 characters), 1 in each of the batch's.
    EXPECT_EQ(figures[ANIDB_ALLOCATION_HASH_RESULT].live_bytes,
              5 * sizeof(anidb_hash_result_t) + 33 + 9 + 3 * 33);
    uint64_t count = 0, bytes = 0;
    ASSERT_EQ(anidb_check_memory_leaks(&count, &bytes), ANIDB_SUCCESS);
    EXPECT_EQ(count, 5U) << "file, batch, error string, anime info, polled events";
    uint64_t sum = 0;
    for (size_t t = 0; t < figures.size(); ++t) {
        if (t != ANIDB_ALLOCATION_BUFFER) sum += figures[t].live_bytes;
    }
    EXPECT_EQ(sum, bytes);

    // Typed frees only: a string inside a result is not a string of its own.
    anidb_free_string(file->file_path);
    anidb_free_batch_result(reinterpret_cast<anidb_batch_result_t*>(file));
    EXPECT_EQ(std::string(file->file_path), a);
    EXPECT_EQ(by_type()[ANIDB_ALLOCATION_FILE_RESULT].live_count, 4U);

    anidb_free_file_result(file);
    anidb_free_batch_result(b);
    anidb_free_string(error);
    anidb_free_anime_info(info);
    drain_events();
    for (const auto& f : by_type()) {
        EXPECT_EQ(f.live_count, 0U);
        EXPECT_EQ(f.live_bytes, 0U);
    }
}

// A burst of events polled at once: their strings are one Event block from
// the pool, given back at the next poll and reused by the burst after.
TEST_F(AllocationStats, EventBurstsReusePooledEventBlocks) {
    const std::string path = tmp.write_random("e.bin", 4000).string();
    anidb_event_t events[64];
    size_t n = 0;
    for (int round = 0; round < 3; ++round) {
        anidb_free_file_result(process(path));  // FILE_START ... FILE_COMPLETE
        const anidb_memory_stats_t before = memory_stats();
        ASSERT_EQ(anidb_event_poll(client, events, 64, &n), ANIDB_SUCCESS);
        ASSERT_GT(n, 2U);
        const anidb_memory_stats_t after = memory_stats();
        EXPECT_EQ(by_type()[ANIDB_ALLOCATION_EVENT].live_count, 1U);
        EXPECT_EQ(events[0].type, ANIDB_EVENT_FILE_START);
        EXPECT_EQ(std::string(events[0].data.file.file_path), path);
        if (round > 0) {  // the previous burst's block, given back by this poll
            EXPECT_EQ(after.pool_hits, before.pool_hits + 1);
            EXPECT_EQ(after.pool_misses, before.pool_misses);
        }
    }
    ASSERT_EQ(anidb_event_poll(client, events, 64, &n), ANIDB_SUCCESS);
    EXPECT_EQ(n, 0U);
    EXPECT_EQ(by_type()[ANIDB_ALLOCATION_EVENT].live_count, 0U);
}

TEST_F(AllocationStats, NeverWritesPastCapacity) {
    anidb_allocation_stats_t figures[3];
    figures[1].live_count = 77;
    size_t count = 99;
    ASSERT_EQ(anidb_get_allocation_stats(figures, 1, &count), ANIDB_SUCCESS);
    EXPECT_EQ(count, 1U);
    EXPECT_EQ(figures[1].live_count, 77U);
    std::vector<anidb_allocation_stats_t> many(100);
    ASSERT_EQ(anidb_get_allocation_stats(many.data(), many.size(), &count), ANIDB_SUCCESS);
    EXPECT_EQ(count, static_cast<size_t>(ANIDB_ALLOCATION_TYPE_COUNT));
    EXPECT_EQ(anidb_get_allocation_stats(figures, 0, &count), ANIDB_ERROR_INVALID_PARAMETER);
    EXPECT_EQ(count, 0U);
}

}  // namespace
}  // namespace anidb::test
