// A small limit, usage driven over 90 %: the pressure level rises, the pool
// shrinks at High and empties at Critical, every client gets a
// MEMORY_WARNING event; after freeing, the level is Low again. And a request
// over the limit fails cleanly and the library works once it is raised.
#include <string>
#include <vector>

#include "capi_fixture.h"
#include "memory/buffer_pool.h"

namespace anidb::test {
namespace {

using memory::BufferPool;

uint32_t pressure() {
    anidb_memory_stats_t s{};
    EXPECT_EQ(anidb_get_memory_stats(&s), ANIDB_SUCCESS);
    return s.memory_pressure;
}

class MemoryPressure : public CapiTest {};

TEST_F(MemoryPressure, RisesShrinksWarnsAndRecovers) {
    ASSERT_EQ(anidb_memory_gc(), ANIDB_SUCCESS);
    anidb_memory_stats_t before{};
    ASSERT_EQ(anidb_get_memory_stats(&before), ANIDB_SUCCESS);
    const uint64_t base = before.total_memory_used;
    const uint64_t mib = 1 << 20;
    ASSERT_EQ(anidb_set_memory_limit(base + 20 * mib), ANIDB_SUCCESS);
    EXPECT_EQ(pressure(), 0U);

    auto& pool = BufferPool::instance();
    std::vector<memory::PooledBuffer> held;
    for (int i = 0; i < 12; ++i) held.push_back(pool.acquire(mib));  // 60 %: Medium
    EXPECT_EQ(pressure(), 1U);
    held.resize(6);  // 6 idle, 6 in use: still 60 %
    EXPECT_EQ(pool.stats().idle_count.back(), 6U);

    std::vector<memory::PooledBuffer> more;
    for (int i = 0; i < 4; ++i) more.push_back(pool.acquire(mib));  // served from the idle ones
    for (int i = 0; i < 5; ++i) more.push_back(pool.acquire(mib));  // 15 MiB of 20: High
    EXPECT_EQ(pressure(), 2U);
    EXPECT_LE(pool.stats().idle_count.back(), 1U) << "entering High shrinks the pool";

    for (int i = 0; i < 4; ++i) more.push_back(pool.acquire(mib));  // > 18 MiB: Critical
    EXPECT_EQ(pressure(), 3U);
    EXPECT_EQ(pool.stats().idle_bytes, 0U) << "entering Critical empties the pool";

    // The warning reached this client's queue.
    anidb_event_t events[16];
    size_t n = 0;
    ASSERT_EQ(anidb_event_poll(client, events, 16, &n), ANIDB_SUCCESS);
    bool warned = false;
    for (size_t i = 0; i < n; ++i) {
        if (events[i].type == ANIDB_EVENT_MEMORY_WARNING) {
            warned = true;
            EXPECT_GT(events[i].data.memory.current_usage, 0U);
            EXPECT_EQ(events[i].data.memory.max_usage, base + 20 * mib);
        }
    }
    EXPECT_TRUE(warned);

    held.clear();
    more.clear();
    ASSERT_EQ(anidb_memory_gc(), ANIDB_SUCCESS);
    EXPECT_EQ(pressure(), 0U);
}

// The seed promises a memory warning at Critical: it must arrive however
// little memory is left, 200 bytes or none. Exactly 90 % is High: no warning.
TEST_F(MemoryPressure, WarningArrivesWhateverTheHeadroom) {
    anidb_event_t events[16];
    size_t n = 0;
    for (const uint64_t headroom : {uint64_t{200}, uint64_t{0}}) {
        SCOPED_TRACE(headroom);
        do {
            ASSERT_EQ(anidb_event_poll(client, events, 16, &n), ANIDB_SUCCESS);
        } while (n > 0);
        ASSERT_EQ(anidb_memory_gc(), ANIDB_SUCCESS);
        anidb_memory_stats_t s{};
        ASSERT_EQ(anidb_get_memory_stats(&s), ANIDB_SUCCESS);
        const uint64_t limit = (s.total_memory_used + 100000) / 10 * 10;
        ASSERT_EQ(anidb_set_memory_limit(limit), ANIDB_SUCCESS);

        memory::Charge ninety = memory::Charge::take(limit / 10 * 9 - s.total_memory_used);
        ASSERT_TRUE(ninety.ok());
        EXPECT_EQ(pressure(), 2U) << "exactly 90 % is High";
        ASSERT_EQ(anidb_event_poll(client, events, 16, &n), ANIDB_SUCCESS);
        EXPECT_EQ(n, 0U) << "no warning below Critical";

        memory::Charge rest = memory::Charge::take(limit / 10 - headroom);
        ASSERT_TRUE(rest.ok());
        EXPECT_EQ(pressure(), 3U);
        ASSERT_EQ(anidb_event_poll(client, events, 16, &n), ANIDB_SUCCESS);
        ASSERT_GE(n, 1U);
        EXPECT_EQ(events[0].type, ANIDB_EVENT_MEMORY_WARNING);
        EXPECT_EQ(events[0].data.memory.current_usage, limit - headroom);
        EXPECT_EQ(events[0].data.memory.max_usage, limit);
        ASSERT_NE(events[0].context, nullptr);
        EXPECT_NE(std::string(events[0].context).find("critical"), std::string::npos);
        for (size_t i = 1; i < n; ++i) EXPECT_NE(events[i].type, ANIDB_EVENT_EVENTS_DROPPED);
        ASSERT_EQ(anidb_set_memory_limit(0), ANIDB_SUCCESS);
    }
}

TEST_F(MemoryPressure, OverTheLimitFailsCleanlyAndRecovers) {
    const auto file = tmp.write_random("f.bin", 300000);
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K, ANIDB_HASH_TTH};
    auto opts = options_for(algos, 2);
    ASSERT_EQ(anidb_memory_gc(), ANIDB_SUCCESS);
    anidb_memory_stats_t s{};
    ASSERT_EQ(anidb_get_memory_stats(&s), ANIDB_SUCCESS);
    ASSERT_EQ(anidb_set_memory_limit(s.total_memory_used + 16), ANIDB_SUCCESS);

    anidb_file_result_t* r = reinterpret_cast<anidb_file_result_t*>(1);
    EXPECT_EQ(anidb_process_file(client, file.c_str(), &opts, &r), ANIDB_ERROR_OUT_OF_MEMORY);
    EXPECT_EQ(r, nullptr);
    EXPECT_EQ(anidb_client_get_last_error_string(client), nullptr);  // a string does not fit either
    uint64_t count = 1, bytes = 1;
    ASSERT_EQ(anidb_check_memory_leaks(&count, &bytes), ANIDB_SUCCESS);
    EXPECT_EQ(count, 0U);

    ASSERT_EQ(anidb_set_memory_limit(0), ANIDB_SUCCESS);
    ASSERT_EQ(anidb_process_file(client, file.c_str(), &opts, &r), ANIDB_SUCCESS);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->hash_count, 2U);
    anidb_free_file_result(r);
}

// A batch result is one block built when the batch ends: when it does not
// fit under the limit (neither its pool class nor its exact size), the call
// fails with OUT_OF_MEMORY and nothing stays allocated.
TEST_F(MemoryPressure, BatchResultsThatStopFittingLeaveNothingAllocated) {
    std::vector<std::string> paths;
    for (int i = 0; i < 200; ++i) {
        paths.push_back(tmp.write_bytes("empty-file-number-" + std::to_string(i), "").string());
    }
    std::vector<const char*> cpaths;
    for (const auto& p : paths) cpaths.push_back(p.c_str());
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K};
    anidb_batch_options_t bo{};
    bo.algorithms = algos;
    bo.algorithm_count = 1;
    bo.continue_on_error = 1;

    ASSERT_EQ(anidb_memory_gc(), ANIDB_SUCCESS);
    anidb_memory_stats_t s{};
    ASSERT_EQ(anidb_get_memory_stats(&s), ANIDB_SUCCESS);
    // Room for the results array and a few dozen files' strings, not 200.
    const uint64_t array = sizeof(anidb_file_result_t) * paths.size();
    ASSERT_EQ(anidb_set_memory_limit(s.total_memory_used + array + 6000), ANIDB_SUCCESS);
    anidb_batch_result_t* b = reinterpret_cast<anidb_batch_result_t*>(1);
    EXPECT_EQ(anidb_process_batch(client, cpaths.data(), cpaths.size(), &bo, &b),
              ANIDB_ERROR_OUT_OF_MEMORY);
    EXPECT_EQ(b, nullptr);
    ASSERT_EQ(anidb_set_memory_limit(0), ANIDB_SUCCESS);
    uint64_t count = 1, bytes = 1;
    ASSERT_EQ(anidb_check_memory_leaks(&count, &bytes), ANIDB_SUCCESS);
    EXPECT_EQ(count, 0U);
    EXPECT_EQ(bytes, 0U);

    // With the limit back, the same batch converts every result.
    ASSERT_EQ(anidb_process_batch(client, cpaths.data(), cpaths.size(), &bo, &b), ANIDB_SUCCESS);
    ASSERT_NE(b, nullptr);
    ASSERT_EQ(b->total_files, paths.size());
    EXPECT_EQ(b->successful_files, paths.size());
    for (size_t i = 0; i < paths.size(); ++i) {
        EXPECT_STREQ(b->results[i].file_path, paths[i].c_str());
        ASSERT_EQ(b->results[i].hash_count, 1U);
        EXPECT_STREQ(b->results[i].hashes[0].hash_value, "31d6cfe0d16ae931b73c59d7e0c089c0");
    }
    anidb_free_batch_result(b);
}

}  // namespace
}  // namespace anidb::test
