// A C++ user of anidb::client::Client hears what a C caller hears:
// ERROR/COMPLETION for process_file, a FileOperation, process_batch and a
// BatchOperation, MEMORY_WARNING
// when the library enters Critical pressure, and close() stops the client in
// order (operations finished and reported before it returns, no callback
// after).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/operation.h"
#include "memory/memory_budget.h"
#include "support/temp_dir.h"

namespace anidb::client {
namespace {

using test::TempDir;

struct Heard {
    std::mutex mutex;
    std::vector<std::string> calls;  // "error <code> <path>", "completion <code>", "event <type>"
    void add(std::string s) {
        std::lock_guard lock(mutex);
        calls.push_back(std::move(s));
    }
    std::vector<std::string> take() {
        std::lock_guard lock(mutex);
        return std::exchange(calls, {});
    }
};

class ClientReports : public ::testing::Test {
  protected:
    void SetUp() override {
        ClientConfig cfg;
        cfg.cache_dir = tmp.path() / "cache";
        auto c = Client::create(cfg);
        ASSERT_TRUE(c.ok());
        client = std::move(c).value();
        auto& hub = client->events();
        hub.add_error([this](Errc code, const std::string&, const std::string& path) {
            heard.add("error " + std::to_string(static_cast<int>(code)) + " " + path);
        });
        hub.add_completion([this](Errc code) {
            heard.add("completion " + std::to_string(static_cast<int>(code)));
        });
    }
    ProcessOptions crc32() {
        ProcessOptions o;
        o.algorithms = {hash::Algorithm::crc32};
        return o;
    }

    TempDir tmp;
    Heard heard;
    std::shared_ptr<Client> client;
};

TEST_F(ClientReports, ProcessFileSaysCompletionAndError) {
    const auto file = tmp.write_random("a.bin", 4096, 3);
    ASSERT_TRUE(client->process_file(file, crc32()).ok());
    EXPECT_EQ(heard.take(), std::vector<std::string>{"completion 0"});

    const auto missing = tmp.path() / "missing.bin";
    auto r = client->process_file(missing, crc32());
    ASSERT_FALSE(r.ok());
    const std::string code = std::to_string(static_cast<int>(r.error().code));
    EXPECT_EQ(heard.take(), (std::vector<std::string>{"error " + code + " " + missing.string(),
                                                      "completion " + code}));
}

TEST_F(ClientReports, OperationSaysCompletionAfterItsOutcomeIsStored) {
    const auto file = tmp.write_random("b.bin", 4096, 4);
    std::atomic<bool> outcome_readable{false};
    FileOperation* seen = nullptr;
    std::unique_ptr<FileOperation> op;
    client->events().add_completion([&](Errc) {
        if (seen != nullptr) outcome_readable = seen->result().ok();
    });
    {
        // The completion callback runs serialised with the client's others,
        // so `seen` is set before it can run.
        std::lock_guard hold(heard.mutex);
        auto started = FileOperation::start(client, file, crc32());
        ASSERT_TRUE(started.ok());
        op = std::move(started).value();
        seen = op.get();
    }
    op->wait();
    EXPECT_EQ(heard.take(), std::vector<std::string>{"completion 0"});
    EXPECT_TRUE(outcome_readable.load());
}

// A batch says COMPLETION once at its end, whatever its files did (a
// missing file says ERROR and fails in its FileResult, the batch
// completes); a batch
// refused as a whole says ERROR then COMPLETION with its code.
TEST_F(ClientReports, BatchSaysCompletionOnceAtItsEnd) {
    BatchOptions bo;
    bo.algorithms = {hash::Algorithm::crc32};
    const std::vector<std::string> paths = {tmp.write_random("c.bin", 4096, 6).string(),
                                            (tmp.path() / "missing.bin").string()};
    auto batch = client->process_batch(paths, bo);
    ASSERT_TRUE(batch.ok());
    ASSERT_EQ(batch->failed, 1U);
    const std::string missing_code = std::to_string(static_cast<int>(batch->results[1].error));
    EXPECT_EQ(heard.take(),
              (std::vector<std::string>{"error " + missing_code + " " + paths[1], "completion 0"}));

    auto refused = client->process_batch(std::vector<std::string>{}, bo);
    ASSERT_FALSE(refused.ok());
    const std::string code = std::to_string(static_cast<int>(refused.error().code));
    EXPECT_EQ(heard.take(),
              (std::vector<std::string>{"error " + code + " ", "completion " + code}));
}

TEST_F(ClientReports, StoppedBatchSaysCancelled) {
    BatchOptions bo;
    bo.algorithms = {hash::Algorithm::crc32};
    std::stop_source stop;
    stop.request_stop();
    auto batch =
        client->process_batch(std::vector<std::string>{tmp.write_random("d.bin", 4096, 7).string()},
                              bo, stop.get_token());
    ASSERT_TRUE(batch.ok());
    EXPECT_EQ(heard.take(), std::vector<std::string>{
                                "completion " + std::to_string(static_cast<int>(Errc::cancelled))});
}

TEST_F(ClientReports, BatchOperationSaysCompletionOnceAfterItsOutcomeIsStored) {
    BatchOptions bo;
    bo.algorithms = {hash::Algorithm::crc32};
    std::atomic<bool> outcome_readable{false};
    std::atomic<int> on_done_calls{0};
    BatchOperation* seen = nullptr;
    std::unique_ptr<BatchOperation> op;
    client->events().add_completion([&](Errc) {
        if (seen != nullptr) outcome_readable = seen->result().ok();
    });
    {
        std::lock_guard hold(heard.mutex);
        auto started = BatchOperation::start(
            client, std::vector<std::string>{tmp.write_random("e.bin", 4096, 8).string()}, bo,
            [&](Errc) { ++on_done_calls; });
        ASSERT_TRUE(started.ok());
        op = std::move(started).value();
        seen = op.get();
    }
    op->wait();
    EXPECT_EQ(heard.take(), std::vector<std::string>{"completion 0"});
    EXPECT_TRUE(outcome_readable.load());
    EXPECT_EQ(on_done_calls.load(), 1);
}

TEST_F(ClientReports, MemoryWarningReachesEveryClient) {
    ClientConfig cfg;
    cfg.cache_enabled = false;
    auto other = Client::create(cfg);
    ASSERT_TRUE(other.ok());
    auto& budget = memory::MemoryBudget::instance();
    const uint64_t limit = budget.used() + 1000000;
    budget.set_limit(limit);
    {
        memory::Charge most = memory::Charge::take(limit - budget.used() - 1000);
        ASSERT_TRUE(most.ok());
        for (auto* c : {client.get(), other->get()}) {
            auto polled = c->events().poll(16);
            ASSERT_GE(polled.size(), 1U);
            EXPECT_EQ(polled[0].type, EventType::memory_warning);
            EXPECT_EQ(polled[0].number2, limit);
        }
    }
    budget.set_limit(0);
}

TEST_F(ClientReports, CloseWaitsForOperationsAndTheirCompletion) {
    const auto file = tmp.write_random("big.bin", 16u << 20, 5);
    auto started = FileOperation::start(client, file, crc32());
    ASSERT_TRUE(started.ok());
    auto op = std::move(started).value();
    client->close();
    // Finished (cancelled or done) and reported before close() returned.
    EXPECT_NE(op->status(), FileStatus::processing);
    auto calls = heard.take();
    ASSERT_FALSE(calls.empty());
    EXPECT_EQ(calls.back().rfind("completion", 0), 0U) << calls.back();
    // Closed: no callback runs any more.
    EXPECT_FALSE(client->process_file(file, crc32()).ok());
    EXPECT_TRUE(heard.take().empty());
    client->close();  // idempotent
}

}  // namespace
}  // namespace anidb::client
