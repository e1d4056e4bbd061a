// Batches and asynchronous operations through the C ABI: result order, a
// missing file among 30, continue_on_error = 0, cancelling a hash under way,
// destroying a client while it hashes, BUSY and CANCELLED results.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "capi_fixture.h"

namespace anidb::test {
namespace {

using Clock = std::chrono::steady_clock;

// How long a cancel takes is measured by bench/cancel (anidb-cancel), not
// here: a test only shows that a cancel stops the work. The files are far
// larger than can be hashed in the tests' waits, so an operation that ends
// CANCELLED (or a destroy that returns) was stopped, not finished.
constexpr int64_t kHugeFile = int64_t{64} << 30;

class Async : public CapiTest {
  protected:
    // A 64 GiB sparse file: reading it costs CPU, not disk space, and takes
    // minutes.
    std::string big_file() {
        const auto p = tmp / "big.bin";
        const int fd = ::open(p.c_str(), O_CREAT | O_WRONLY, 0644);
        EXPECT_GE(fd, 0);
        EXPECT_EQ(::ftruncate(fd, kHugeFile), 0);
        ::close(fd);
        return p.string();
    }
};

TEST_F(Async, BatchResultsInInputOrderWithOneMissingFile) {
    std::vector<std::string> paths;
    for (int i = 0; i < 30; ++i) {
        if (i == 17) {
            paths.push_back((tmp / "missing.bin").string());
        } else {
            paths.push_back(
                tmp.write_random("f" + std::to_string(i), 1000 * (i + 1), i + 1).string());
        }
    }
    std::vector<const char*> cpaths;
    for (auto& p : paths) cpaths.push_back(p.c_str());
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_CRC32, ANIDB_HASH_ED2K};
    anidb_batch_options_t bo{};
    bo.algorithms = algos;
    bo.algorithm_count = 2;
    bo.max_concurrent = 3;
    bo.continue_on_error = 1;
    anidb_batch_result_t* b = nullptr;
    ASSERT_EQ(anidb_process_batch(client, cpaths.data(), cpaths.size(), &bo, &b), ANIDB_SUCCESS);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->total_files, 30U);
    EXPECT_EQ(b->successful_files, 29U);
    EXPECT_EQ(b->failed_files, 1U);
    for (size_t i = 0; i < 30; ++i) {
        EXPECT_STREQ(b->results[i].file_path, cpaths[i]);
        if (i == 17) {
            EXPECT_EQ(b->results[i].status, ANIDB_STATUS_FAILED);
            ASSERT_NE(b->results[i].error_message, nullptr);
            EXPECT_NE(std::string(b->results[i].error_message).find("missing.bin"),
                      std::string::npos)
                << b->results[i].error_message;
        } else {
            EXPECT_EQ(b->results[i].status, ANIDB_STATUS_COMPLETED);
            EXPECT_EQ(b->results[i].file_size, 1000U * (i + 1));
            ASSERT_EQ(b->results[i].hash_count, 2U);
            EXPECT_EQ(b->results[i].hashes[0].algorithm, ANIDB_HASH_CRC32);
            char expect[9];
            ASSERT_EQ(anidb_calculate_hash(cpaths[i], ANIDB_HASH_CRC32, expect, sizeof expect),
                      ANIDB_SUCCESS);
            EXPECT_STREQ(b->results[i].hashes[0].hash_value, expect);
        }
    }
    anidb_free_batch_result(b);
}

TEST_F(Async, StopOnFirstErrorCancelsTheRest) {
    std::vector<std::string> paths = {(tmp / "nope.bin").string()};
    for (int i = 0; i < 5; ++i)
        paths.push_back(tmp.write_random("g" + std::to_string(i), 5000).string());
    std::vector<const char*> cpaths;
    for (auto& p : paths) cpaths.push_back(p.c_str());
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_MD5};
    anidb_batch_options_t bo{};
    bo.algorithms = algos;
    bo.algorithm_count = 1;
    bo.max_concurrent = 1;
    bo.continue_on_error = 0;
    anidb_batch_result_t* b = nullptr;
    ASSERT_EQ(anidb_process_batch(client, cpaths.data(), cpaths.size(), &bo, &b), ANIDB_SUCCESS);
    EXPECT_EQ(b->results[0].status, ANIDB_STATUS_FAILED);
    for (size_t i = 1; i < paths.size(); ++i)
        EXPECT_EQ(b->results[i].status, ANIDB_STATUS_CANCELLED);
    anidb_free_batch_result(b);
}

TEST_F(Async, CancelStopsAHashUnderWay) {
    const auto file = big_file();
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K, ANIDB_HASH_SHA1, ANIDB_HASH_TTH};
    auto opts = options_for(algos, 3);
    anidb_operation_handle_t op = nullptr;
    ASSERT_EQ(anidb_process_file_async(client, file.c_str(), &opts, &op), ANIDB_SUCCESS);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    anidb_status_t st{};
    ASSERT_EQ(anidb_operation_get_status(op, &st), ANIDB_SUCCESS);
    ASSERT_EQ(st, ANIDB_STATUS_PROCESSING);
    anidb_file_result_t* r = reinterpret_cast<anidb_file_result_t*>(1);
    EXPECT_EQ(anidb_operation_get_result(op, &r), ANIDB_ERROR_BUSY);
    EXPECT_EQ(r, nullptr);

    const auto t0 = Clock::now();
    ASSERT_EQ(anidb_operation_cancel(op), ANIDB_SUCCESS);
    do {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        ASSERT_EQ(anidb_operation_get_status(op, &st), ANIDB_SUCCESS);
    } while (st == ANIDB_STATUS_PROCESSING && Clock::now() - t0 < std::chrono::seconds(30));
    EXPECT_EQ(st, ANIDB_STATUS_CANCELLED);
    EXPECT_EQ(anidb_operation_get_result(op, &r), ANIDB_ERROR_CANCELLED);
    EXPECT_EQ(r, nullptr);
    EXPECT_EQ(anidb_operation_destroy(op), ANIDB_SUCCESS);
    EXPECT_EQ(anidb_operation_destroy(op), ANIDB_ERROR_INVALID_HANDLE);
}

TEST_F(Async, DestroyWhileHashingCancelsAndInvalidates) {
    const auto file = big_file();
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_MD5};
    auto opts = options_for(algos, 1);
    anidb_operation_handle_t op = nullptr;
    ASSERT_EQ(anidb_process_file_async(client, file.c_str(), &opts, &op), ANIDB_SUCCESS);
    const char* paths[] = {file.c_str()};
    anidb_batch_options_t bo{};
    bo.algorithms = algos;
    bo.algorithm_count = 1;
    anidb_batch_handle_t batch = nullptr;
    ASSERT_EQ(anidb_process_batch_async(client, paths, 1, &bo, &batch), ANIDB_SUCCESS);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto t0 = Clock::now();
    ASSERT_EQ(anidb_client_destroy(client), ANIDB_SUCCESS);
    // Returned long before two 64 GiB reads could end: they were cancelled.
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(30));
    client = nullptr;
    anidb_status_t st{};
    EXPECT_EQ(anidb_operation_get_status(op, &st), ANIDB_ERROR_INVALID_HANDLE);
    EXPECT_EQ(anidb_operation_destroy(op), ANIDB_ERROR_INVALID_HANDLE);
    size_t done = 0, total = 0;
    EXPECT_EQ(anidb_batch_get_progress(batch, &done, &total), ANIDB_ERROR_INVALID_HANDLE);
}

struct Done {
    std::atomic<int> completions{0};
    std::atomic<int> last{-1};
};
void on_done(anidb_result_t code, void* user) {
    auto* d = static_cast<Done*>(user);
    d->last = code;
    ++d->completions;
}

TEST_F(Async, AsyncBatchProgressResultAndCompletion) {
    std::vector<std::string> paths;
    for (int i = 0; i < 6; ++i)
        paths.push_back(tmp.write_random("a" + std::to_string(i), 200000, i).string());
    std::vector<const char*> cpaths;
    for (auto& p : paths) cpaths.push_back(p.c_str());
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_TTH};
    Done done;
    anidb_batch_options_t bo{};
    bo.algorithms = algos;
    bo.algorithm_count = 1;
    bo.continue_on_error = 1;
    bo.completion_callback = &on_done;
    bo.user_data = &done;
    anidb_batch_handle_t batch = nullptr;
    ASSERT_EQ(anidb_process_batch_async(client, cpaths.data(), cpaths.size(), &bo, &batch),
              ANIDB_SUCCESS);
    anidb_batch_result_t* b = nullptr;
    anidb_result_t rc;
    const auto t0 = Clock::now();
    while ((rc = anidb_batch_get_result(batch, &b)) == ANIDB_ERROR_BUSY &&
           Clock::now() - t0 < std::chrono::seconds(30)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(rc, ANIDB_SUCCESS);
    size_t completed = 0, total = 0;
    ASSERT_EQ(anidb_batch_get_progress(batch, &completed, &total), ANIDB_SUCCESS);
    EXPECT_EQ(completed, 6U);
    EXPECT_EQ(total, 6U);
    EXPECT_EQ(b->successful_files, 6U);
    anidb_free_batch_result(b);
    ASSERT_EQ(anidb_batch_destroy(batch), ANIDB_SUCCESS);
    EXPECT_EQ(done.completions.load(), 1);
    EXPECT_EQ(done.last.load(), ANIDB_SUCCESS);
}

// The client's COMPLETION callback hears each batch once, whichever entry
// point ran it (the engine reports; the C layer only converts).
int keep_going(size_t, anidb_result_t, const anidb_file_result_t*, void*) {
    return 0;
}
int stop_now(size_t, anidb_result_t, const anidb_file_result_t*, void*) {
    return 1;
}

TEST_F(Async, EveryBatchEntryPointSaysCompletionOnce) {
    const std::string a = tmp.write_random("c0", 4096, 1).string();
    const std::string b = tmp.write_random("c1", 4096, 2).string();
    const char* cpaths[] = {a.c_str(), b.c_str()};
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_CRC32};
    anidb_batch_options_t bo{};
    bo.algorithms = algos;
    bo.algorithm_count = 1;
    bo.continue_on_error = 1;
    Done heard;
    const uint64_t id = anidb_register_callback(client, ANIDB_CALLBACK_COMPLETION,
                                                reinterpret_cast<void*>(&on_done), &heard);
    ASSERT_NE(id, 0U);
    auto wait_for = [&](int n) {
        const auto t0 = Clock::now();
        while (heard.completions.load() < n && Clock::now() - t0 < std::chrono::seconds(30)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    };

    anidb_batch_result_t* r = nullptr;
    ASSERT_EQ(anidb_process_batch(client, cpaths, 2, &bo, &r), ANIDB_SUCCESS);
    anidb_free_batch_result(r);
    EXPECT_EQ(heard.completions.load(), 1);
    EXPECT_EQ(heard.last.load(), ANIDB_SUCCESS);

    size_t failed = 0;
    ASSERT_EQ(anidb_process_batch_stream(client, cpaths, 2, &bo, ANIDB_BATCH_INPUT_ORDER,
                                         &keep_going, nullptr, &failed),
              ANIDB_SUCCESS);
    EXPECT_EQ(heard.completions.load(), 2);
    EXPECT_EQ(anidb_process_batch_stream(client, cpaths, 2, &bo, ANIDB_BATCH_INPUT_ORDER, &stop_now,
                                         nullptr, &failed),
              ANIDB_ERROR_CANCELLED);
    EXPECT_EQ(heard.completions.load(), 3);
    EXPECT_EQ(heard.last.load(), ANIDB_ERROR_CANCELLED);

    anidb_batch_handle_t batch = nullptr;
    ASSERT_EQ(anidb_process_batch_async(client, cpaths, 2, &bo, &batch), ANIDB_SUCCESS);
    wait_for(4);
    ASSERT_EQ(anidb_batch_destroy(batch), ANIDB_SUCCESS);
    EXPECT_EQ(heard.completions.load(), 4);
    EXPECT_EQ(heard.last.load(), ANIDB_SUCCESS);

    ASSERT_EQ(anidb_process_batch_stream_async(client, cpaths, 2, &bo, ANIDB_BATCH_COMPLETION_ORDER,
                                               &keep_going, nullptr, &batch),
              ANIDB_SUCCESS);
    wait_for(5);
    ASSERT_EQ(anidb_batch_destroy(batch), ANIDB_SUCCESS);
    EXPECT_EQ(heard.completions.load(), 5);
    EXPECT_EQ(heard.last.load(), ANIDB_SUCCESS);
    EXPECT_EQ(anidb_unregister_callback(client, id), ANIDB_SUCCESS);
}

}  // namespace
}  // namespace anidb::test
