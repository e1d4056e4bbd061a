// Callbacks: serial per client, never called after unregister returns (so
// user_data may be freed: run under TSan/ASan), re-entrant calls get an
// error instead of a deadlock; the event queue is bounded and reports drops.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "capi_fixture.h"

namespace anidb::test {
namespace {

class Callbacks : public CapiTest {};

struct Counter {
    std::atomic<int> inside{0};
    std::atomic<int> max_inside{0};
    std::atomic<int> calls{0};
};

void on_progress(float, uint64_t, uint64_t, void* user) {
    auto* c = static_cast<Counter*>(user);
    const int now = ++c->inside;
    int prev = c->max_inside.load();
    while (now > prev && !c->max_inside.compare_exchange_weak(prev, now)) {
    }
    ++c->calls;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    --c->inside;
}

TEST_F(Callbacks, NeverRunConcurrentlyForOneClient) {
    std::vector<std::string> paths;
    for (int i = 0; i < 8; ++i) {
        paths.push_back(tmp.write_random("f" + std::to_string(i), 3 << 20, i + 1).string());
    }
    std::vector<const char*> cpaths;
    for (auto& p : paths) cpaths.push_back(p.c_str());
    Counter counter;
    const uint64_t id = anidb_register_callback(client, ANIDB_CALLBACK_PROGRESS,
                                                reinterpret_cast<void*>(&on_progress), &counter);
    ASSERT_NE(id, 0U);
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K};
    // Several threads use the client at once, each reporting progress.
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            auto opts = options_for(algos, 1);
            opts.enable_progress = 1;
            opts.progress_callback = &on_progress;
            opts.user_data = &counter;
            for (int i = t; i < 8; i += 4) {
                anidb_file_result_t* r = nullptr;
                EXPECT_EQ(anidb_process_file(client, cpaths[i], &opts, &r), ANIDB_SUCCESS);
                anidb_free_file_result(r);
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_GT(counter.calls.load(), 0);
    EXPECT_EQ(counter.max_inside.load(), 1);
    EXPECT_EQ(anidb_unregister_callback(client, id), ANIDB_SUCCESS);
}

struct Owned {
    std::atomic<uint64_t> bytes{0};
};
void on_owned_progress(float, uint64_t done, uint64_t, void* user) {
    static_cast<Owned*>(user)->bytes = done;
}

TEST_F(Callbacks, UnregisterThenFreeUserData) {
    const auto file = tmp.write_random("big.bin", 64 << 20);
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_SHA1};
    for (int round = 0; round < 3; ++round) {
        auto owned = std::make_unique<Owned>();
        const uint64_t id = anidb_register_callback(client, ANIDB_CALLBACK_PROGRESS,
                                                    reinterpret_cast<void*>(&on_owned_progress),
                                                    owned.get());
        ASSERT_NE(id, 0U);
        auto opts = options_for(algos, 1);
        opts.enable_progress = 1;
        anidb_operation_handle_t op = nullptr;
        ASSERT_EQ(anidb_process_file_async(client, file.c_str(), &opts, &op), ANIDB_SUCCESS);
        std::this_thread::sleep_for(std::chrono::milliseconds(20 * round));
        ASSERT_EQ(anidb_unregister_callback(client, id), ANIDB_SUCCESS);
        owned.reset();  // freed while the hash goes on: must never be touched again
        ASSERT_EQ(anidb_operation_destroy(op), ANIDB_SUCCESS);
    }
}

struct Reentry {
    anidb_client_handle_t client;
    std::atomic<int> destroy_result{-1};
    std::atomic<int> nested_result{-1};
    std::string file;
};
void reenter(float, uint64_t, uint64_t, void* user) {
    auto* r = static_cast<Reentry*>(user);
    if (r->destroy_result.load() == -1) {
        r->destroy_result = anidb_client_destroy(r->client);
        char buf[128];
        anidb_client_get_last_error(r->client, buf, sizeof buf);
        // A nested synchronous call on the same client from its callback.
        const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_CRC32};
        auto opts = options_for(algos, 1);
        anidb_file_result_t* res = nullptr;
        r->nested_result = anidb_process_file(r->client, r->file.c_str(), &opts, &res);
        anidb_free_file_result(res);
    }
}

TEST_F(Callbacks, ReentrantCallsGetErrorsNotDeadlocks) {
    Reentry r;
    r.client = client;
    r.file = tmp.write_random("small.bin", 100000).string();
    ASSERT_NE(anidb_register_callback(client, ANIDB_CALLBACK_PROGRESS,
                                      reinterpret_cast<void*>(&reenter), &r),
              0U);
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_MD5};
    auto opts = options_for(algos, 1);
    opts.enable_progress = 1;
    anidb_file_result_t* res = nullptr;
    ASSERT_EQ(anidb_process_file(client, r.file.c_str(), &opts, &res), ANIDB_SUCCESS);
    anidb_free_file_result(res);
    EXPECT_EQ(r.destroy_result.load(), ANIDB_ERROR_BUSY);
    EXPECT_EQ(r.nested_result.load(), ANIDB_SUCCESS);
}

TEST_F(Callbacks, EventQueueOverflowIsCountedAndReported) {
    const auto file = tmp.write_random("e.bin", 1000);
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K, ANIDB_HASH_CRC32};
    auto opts = options_for(algos, 2);
    // Each call queues file start/complete and cache hit or miss events.
    for (int i = 0; i < 1500; ++i) {
        anidb_file_result_t* res = nullptr;
        ASSERT_EQ(anidb_process_file(client, file.c_str(), &opts, &res), ANIDB_SUCCESS);
        anidb_free_file_result(res);
    }
    std::vector<anidb_event_t> events(5000);
    size_t n = 0;
    ASSERT_EQ(anidb_event_poll(client, events.data(), events.size(), &n), ANIDB_SUCCESS);
    ASSERT_GT(n, 1U);
    EXPECT_EQ(events[0].type, ANIDB_EVENT_EVENTS_DROPPED);
    EXPECT_GT(events[0].data.dropped.count, 0U);
    EXPECT_EQ(n, 4097U);  // the drop report plus a full queue
    EXPECT_GT(events[1].timestamp, 0U);
    ASSERT_EQ(anidb_event_poll(client, events.data(), events.size(), &n), ANIDB_SUCCESS);
    EXPECT_EQ(n, 0U);
}

void on_event(const anidb_event_t* e, void* user) {
    static_cast<std::vector<int>*>(user)->push_back(e->type);
}

TEST_F(Callbacks, EventsInOrderWithValues) {
    const auto file = tmp.write_random("v.bin", 5000);
    std::vector<int> types;
    ASSERT_EQ(anidb_event_connect(client, &on_event, &types), ANIDB_SUCCESS);
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_MD5};
    auto opts = options_for(algos, 1);
    anidb_file_result_t* res = nullptr;
    ASSERT_EQ(anidb_process_file(client, file.c_str(), &opts, &res), ANIDB_SUCCESS);
    anidb_free_file_result(res);
    ASSERT_EQ(anidb_process_file(client, file.c_str(), &opts, &res), ANIDB_SUCCESS);
    anidb_free_file_result(res);
    ASSERT_EQ(anidb_event_disconnect(client), ANIDB_SUCCESS);
    const std::vector<int> expected = {
        ANIDB_EVENT_FILE_START,    ANIDB_EVENT_CACHE_MISS, ANIDB_EVENT_HASH_START,
        ANIDB_EVENT_HASH_COMPLETE, ANIDB_EVENT_FILE_COMPLETE, ANIDB_EVENT_FILE_START,
        ANIDB_EVENT_CACHE_HIT,     ANIDB_EVENT_FILE_COMPLETE};
    EXPECT_EQ(types, expected);
}

}  // namespace
}  // namespace anidb::test
