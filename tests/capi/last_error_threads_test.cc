// Last errors with one client shared by several threads: each thread reads
// the message of its own failed call (the client's slot is per thread) and
// finds it in its thread slot too (libgit2's rule). Run under TSan.
#include <barrier>
#include <string>
#include <thread>
#include <vector>

#include "capi_fixture.h"

namespace anidb::test {
namespace {

class LastErrorThreads : public CapiTest {};

TEST_F(LastErrorThreads, EachThreadReadsItsOwnMessage) {
    constexpr int kThreads = 4;
    // Every thread fails before any reads, so a shared slot would hold the
    // last thread's message for all of them.
    std::barrier all_failed(kThreads);
    std::vector<std::string> client_seen(kThreads), thread_seen(kThreads);
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const std::string key = "no.such.option." + std::to_string(t);
            const anidb_result_t r = anidb_client_set_option(client, key.c_str(), "1");
            all_failed.arrive_and_wait();
            char buf[256];
            anidb_client_get_last_error(client, buf, sizeof buf);
            client_seen[t] = buf;
            anidb_get_last_error(buf, sizeof buf);
            thread_seen[t] = buf;
            char* owned = anidb_client_get_last_error_string(client);
            if (owned != nullptr) {
                if (client_seen[t] != owned)
                    client_seen[t] += " | string form differs: " + std::string(owned);
                anidb_free_string(owned);
            }
            EXPECT_EQ(r, ANIDB_ERROR_INVALID_PARAMETER);
        });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) {
        const std::string expected = "unknown option 'no.such.option." + std::to_string(t) + "'";
        EXPECT_EQ(client_seen[t], expected) << "thread " << t;
        EXPECT_EQ(thread_seen[t], expected) << "thread " << t;
    }
    // The main thread made no failing call on the client: nothing to read.
    EXPECT_EQ(last_error(), "");
}

TEST_F(LastErrorThreads, OperationErrorsReachTheirClient) {
    // An error on an operation handle is also the client's (for this thread).
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K};
    const anidb_process_options_t o = options_for(algos, 1);
    const std::string missing = (tmp.path() / "missing.mkv").string();
    anidb_operation_handle_t op = nullptr;
    ASSERT_EQ(anidb_process_file_async(client, missing.c_str(), &o, &op), ANIDB_SUCCESS);
    anidb_status_t status = ANIDB_STATUS_PROCESSING;
    while (status == ANIDB_STATUS_PENDING || status == ANIDB_STATUS_PROCESSING) {
        ASSERT_EQ(anidb_operation_get_status(op, &status), ANIDB_SUCCESS);
        std::this_thread::yield();
    }
    anidb_file_result_t* result = nullptr;
    const anidb_result_t r = anidb_operation_get_result(op, &result);
    EXPECT_NE(r, ANIDB_SUCCESS);
    anidb_free_file_result(result);
    char thread_buf[256];
    anidb_get_last_error(thread_buf, sizeof thread_buf);
    EXPECT_NE(std::string(thread_buf), "");
    EXPECT_EQ(last_error(), thread_buf);
    EXPECT_EQ(anidb_operation_destroy(op), ANIDB_SUCCESS);
}

}  // namespace
}  // namespace anidb::test
