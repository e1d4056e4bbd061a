// Several threads and several index objects on one database file: one
// download between them, and searches that never fail or see half an import.
// Short: also runs under ThreadSanitizer.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include "support/local_http_server.h"
#include "support/temp_dir.h"
#include "titles_test_util.h"

namespace anidb::titles {
namespace {

using namespace test;

TEST(TitleConcurrency, RacingRefreshesSendOneRequest) {
    anidb::test::TempDir web;
    write_file(web / "titles.dat.gz", gzip(sample_dump()));
    anidb::test::LocalHttpServer server(web.path());
    constexpr int kRounds = 3;
    constexpr int kIndexes = 4;  // one per "process": each has its own connection
    for (int round = 0; round < kRounds; ++round) {
        anidb::test::TempDir db_dir;
        std::vector<std::unique_ptr<TitleIndex>> indexes;
        indexes.reserve(kIndexes);
        for (int i = 0; i < kIndexes; ++i) indexes.push_back(open_index(db_dir / "anidb.db"));
        std::vector<Result<RefreshResult>> results(kIndexes, make_error(Errc::unknown, "not run"));
        std::latch start(kIndexes);
        std::vector<std::thread> threads;
        for (size_t i = 0; i < kIndexes; ++i) {
            threads.emplace_back([&, i] {
                start.arrive_and_wait();  // all decide at about the same moment
                results[i] = indexes[i]->refresh(server.url("/files/titles.dat.gz"), kNow);
            });
        }
        for (auto& t : threads) t.join();
        int updated = 0;
        for (const auto& r : results) {
            ASSERT_TRUE(r.ok()) << r.error().message;
            updated += r->outcome == RefreshResult::Outcome::updated ? 1 : 0;
        }
        EXPECT_EQ(updated, 1) << "round " << round;
        EXPECT_EQ(server.requests().size(), static_cast<size_t>(round + 1)) << "round " << round;
    }
}

TEST(TitleConcurrency, SearchesDuringImportsSeeOldOrNewTitles) {
    anidb::test::TempDir db_dir;
    auto index = open_index(db_dir / "anidb.db");
    ASSERT_NE(index, nullptr);
    const std::string first = gzip(sample_dump());
    const std::string second = gzip("23|1|x-jat|Cowboy Bebop\n" + filler_lines(300, 500000));
    ASSERT_TRUE(index->import_dump(bytes_of(first), kNow).ok());
    auto reader = open_index(db_dir / "anidb.db");  // another connection, as another process
    std::atomic<bool> done{false};
    std::atomic<int> failures{0};
    std::vector<std::thread> searchers;
    for (auto* searcher : {index.get(), reader.get()}) {
        searchers.emplace_back([&, searcher] {
            while (!done.load()) {
                auto r = searcher->search("cowboy bebop");
                // Either dump has aid 23 first; anything else is a torn read.
                if (!r.ok() || r->matches.empty() || r->matches[0].aid != 23) ++failures;
            }
        });
    }
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(index->import_dump(bytes_of(i % 2 == 0 ? second : first), kNow + i).ok());
    }
    done = true;
    for (auto& t : searchers) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_TRUE(index->verify().ok());
}

}  // namespace
}  // namespace anidb::titles
