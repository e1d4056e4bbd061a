// Helpers of the queue tests: a queue on a real SQLite file, file keys,
// raw SQL on the file, and a scripted executor.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cache/cache_db.h"
#include "queue/queue_runner.h"
#include "queue/work_queue.h"

namespace anidb::queue::test {

inline constexpr int64_t kNow = 1'700'000'000;

inline FileKey file(int n) {
    std::string ed2k = std::to_string(n);
    ed2k.insert(0, 32 - ed2k.size(), 'a');
    return FileKey{static_cast<uint64_t>(1000 + n), ed2k};
}

inline std::unique_ptr<WorkQueue> open_queue(const std::filesystem::path& db_file) {
    auto db = cache::CacheDb::open(db_file);
    if (!db) {
        ADD_FAILURE() << db.error().message;
        return nullptr;
    }
    auto q = WorkQueue::open(std::shared_ptr<cache::CacheDb>(std::move(*db)));
    if (!q) {
        ADD_FAILURE() << q.error().message;
        return nullptr;
    }
    return std::move(*q);
}

inline void raw_sql(const std::filesystem::path& db_file, const std::string& text) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_file.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
}

inline udp::MylistValues values_state(udp::MylistState s) {
    udp::MylistValues v;
    v.state = s;
    return v;
}

// Answers each job with the next scripted result (ok when the script is
// empty) and remembers what it ran.
class ScriptedExecutor : public JobExecutor {
  public:
    std::deque<JobResult> script;
    std::vector<Job> ran;

    JobResult run(const Job& job, const std::stop_token&) override {
        ran.push_back(job);
        if (script.empty()) return {};
        JobResult r = std::move(script.front());
        script.pop_front();
        return r;
    }
};

}  // namespace anidb::queue::test
