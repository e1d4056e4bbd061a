// Allocation-failure testing as SQLite does it: every C ABI operation family
// is run with the Nth tracked allocation (or the Nth budget charge) failing,
// for N = 1, 2, 3, ... until a run makes fewer than N such requests, once
// with one failure and once with every request from the Nth on failing.
// Each run must end in ANIDB_SUCCESS or ANIDB_ERROR_OUT_OF_MEMORY with its
// out-pointers NULL on error, leave nothing allocated once its results are
// freed, and the same call must work right after with nothing failing.
// The number of failure points exercised is printed per family and in all.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "../unit/titles/titles_test_util.h"
#include "capi_fixture.h"
#include "memory/fault_injection.h"
#include "support/fake_anidb/fake_server.h"
#include "titles/title_index.h"

namespace anidb::test {
namespace {

using memory::fault::Point;

const anidb_hash_algorithm_t kThree[] = {ANIDB_HASH_ED2K, ANIDB_HASH_CRC32, ANIDB_HASH_TTH};
const anidb_hash_algorithm_t kEd2k[] = {ANIDB_HASH_ED2K};

uint64_t live_allocations() {
    uint64_t count = 0, bytes = 0;
    EXPECT_EQ(anidb_check_memory_leaks(&count, &bytes), ANIDB_SUCCESS);
    return count;
}

class OomLoop : public CapiTest {
  protected:
    void TearDown() override {
        memory::fault::disarm();
        CapiTest::TearDown();
    }

    // The loop described above for one family; returns the failure points
    // it exercised (runs in which a request was made to fail).
    size_t exercise(const char* family, const std::function<anidb_result_t()>& op) {
        size_t points = 0;
        std::string breakdown;
        for (const Point point : {Point::tracked_allocation, Point::budget_charge}) {
            for (const bool persistent : {false, true}) {
                const size_t before = points;
                const char* how = persistent ? "from the Nth on" : "the Nth only";
                const char* what =
                    point == Point::tracked_allocation ? "tracked allocation" : "budget charge";
                for (uint64_t n = 1;; ++n) {
                    if (n > 20000) {
                        ADD_FAILURE() << family << ": more than 20000 " << what << "s";
                        return points;
                    }
                    memory::fault::arm(point, n, persistent);
                    const anidb_result_t rc = op();
                    const uint64_t failed = memory::fault::failures(point);
                    memory::fault::disarm();
                    EXPECT_TRUE(rc == ANIDB_SUCCESS || rc == ANIDB_ERROR_OUT_OF_MEMORY)
                        << family << ", " << what << " " << n << " failing (" << how
                        << "): " << anidb_error_string(rc) << ": " << last_error();
                    EXPECT_EQ(live_allocations(), 0u)
                        << family << ", " << what << " " << n << " failing (" << how << ")";
                    const anidb_result_t again = op();
                    EXPECT_EQ(again, ANIDB_SUCCESS)
                        << family << ": the call after " << what << " " << n << " failed (" << how
                        << "): " << last_error();
                    if (::testing::Test::HasFailure()) return points;
                    if (failed == 0) break;  // fewer than n requests: all covered
                    ++points;
                }
                breakdown += ' ';
                breakdown += std::to_string(points - before);
            }
        }
        // Per line: allocations failing once, from the Nth on; charges once, from the Nth on.
        std::printf("%-30s %5zu failure points (%s )\n", family, points, breakdown.c_str());
        return points;
    }

    std::string file(const char* name, uint64_t size, uint64_t seed) {
        return tmp.write_random(name, size, seed).string();
    }
};

TEST_F(OomLoop, ProcessFile) {
    const std::string f = file("a.mkv", 300'000, 1);
    auto opts = options_for(kThree, 3);
    const size_t points = exercise("process file (hashing)", [&] {
        anidb_cache_clear(client);  // hashed again every time, not answered from the cache
        anidb_file_result_t* r = reinterpret_cast<anidb_file_result_t*>(1);
        const anidb_result_t rc = anidb_process_file(client, f.c_str(), &opts, &r);
        if (rc != ANIDB_SUCCESS) {
            EXPECT_EQ(r, nullptr);
            return rc;
        }
        EXPECT_EQ(r->hash_count, 3u);
        EXPECT_EQ(std::string(r->hashes[1].hash_value).size(), 8u);
        anidb_free_file_result(r);
        return rc;
    });
    EXPECT_GT(points, 0u);
}

TEST_F(OomLoop, ProcessFileEd2kEngine) {
    const std::string f = file("e.mkv", 300'000, 2);
    auto opts = options_for(kEd2k, 1);
    exercise("process file (ED2K engine)", [&] {
        anidb_cache_clear(client);
        anidb_file_result_t* r = reinterpret_cast<anidb_file_result_t*>(1);
        const anidb_result_t rc = anidb_process_file(client, f.c_str(), &opts, &r);
        if (rc != ANIDB_SUCCESS) {
            EXPECT_EQ(r, nullptr);
            return rc;
        }
        anidb_free_file_result(r);
        return rc;
    });
}

TEST_F(OomLoop, CacheLookups) {
    const std::string f = file("c.mkv", 50'000, 3);
    auto opts = options_for(kThree, 3);
    anidb_file_result_t* first = nullptr;
    ASSERT_EQ(anidb_process_file(client, f.c_str(), &opts, &first), ANIDB_SUCCESS);
    anidb_free_file_result(first);
    exercise("cache lookups", [&] {
        anidb_file_result_t* r = reinterpret_cast<anidb_file_result_t*>(1);
        anidb_result_t rc = anidb_process_file(client, f.c_str(), &opts, &r);  // from the cache
        if (rc != ANIDB_SUCCESS) {
            EXPECT_EQ(r, nullptr);
            return rc;
        }
        anidb_free_file_result(r);
        int cached = -1;
        rc = anidb_cache_check_file(client, f.c_str(), ANIDB_HASH_TTH, &cached);
        if (rc != ANIDB_SUCCESS) return rc;
        EXPECT_EQ(cached, 1);
        size_t entries = 0;
        uint64_t bytes = 0;
        rc = anidb_cache_get_stats(client, &entries, &bytes);
        if (rc == ANIDB_SUCCESS) {
            EXPECT_EQ(entries, 1u);
        }
        return rc;
    });
}

TEST_F(OomLoop, Batch) {
    std::vector<std::string> files;
    const char* const names[] = {"b0.mkv", "b1.mkv", "b2.mkv", "b3.mkv"};
    for (int i = 0; i < 4; ++i) files.push_back(file(names[i], 20'000 + i * 5000, i));
    std::vector<const char*> paths;
    for (const auto& f : files) paths.push_back(f.c_str());
    anidb_batch_options_t bo{};
    bo.algorithms = kThree;
    bo.algorithm_count = 3;
    bo.max_concurrent = 2;
    bo.continue_on_error = 1;
    exercise("batch", [&] {
        anidb_cache_clear(client);
        anidb_batch_result_t* b = reinterpret_cast<anidb_batch_result_t*>(1);
        const anidb_result_t rc = anidb_process_batch(client, paths.data(), paths.size(), &bo, &b);
        if (rc != ANIDB_SUCCESS) {
            EXPECT_EQ(b, nullptr);
            return rc;
        }
        EXPECT_EQ(b->total_files, files.size());
        // A file whose hashing ran out of memory fails on its own.
        for (size_t i = 0; i < b->total_files; ++i) {
            const auto& r = b->results[i];
            EXPECT_TRUE(r.status == ANIDB_STATUS_COMPLETED || r.status == ANIDB_STATUS_FAILED);
        }
        const bool all_ok = b->successful_files == files.size();
        anidb_free_batch_result(b);
        return all_ok ? ANIDB_SUCCESS : ANIDB_ERROR_OUT_OF_MEMORY;
    });
}

TEST_F(OomLoop, Async) {
    const std::string f = file("s.mkv", 100'000, 5);
    auto opts = options_for(kThree, 3);
    exercise("async", [&] {
        anidb_cache_clear(client);
        anidb_operation_handle_t op = reinterpret_cast<anidb_operation_handle_t>(1);
        anidb_result_t rc = anidb_process_file_async(client, f.c_str(), &opts, &op);
        if (rc != ANIDB_SUCCESS) {
            EXPECT_EQ(op, nullptr);
            return rc;
        }
        anidb_status_t status = ANIDB_STATUS_PENDING;
        for (;;) {
            EXPECT_EQ(anidb_operation_get_status(op, &status), ANIDB_SUCCESS);
            if (status != ANIDB_STATUS_PENDING && status != ANIDB_STATUS_PROCESSING) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        anidb_file_result_t* r = reinterpret_cast<anidb_file_result_t*>(1);
        rc = anidb_operation_get_result(op, &r);
        if (rc == ANIDB_SUCCESS) {
            anidb_free_file_result(r);
        } else {
            EXPECT_EQ(r, nullptr);
        }
        EXPECT_EQ(anidb_operation_destroy(op), ANIDB_SUCCESS);
        return rc;
    });
}

TEST_F(OomLoop, Events) {
    const std::string f = file("v.mkv", 30'000, 6);
    auto opts = options_for(kThree, 3);
    exercise("events", [&] {
        anidb_cache_clear(client);
        anidb_file_result_t* r = nullptr;
        const anidb_result_t rc = anidb_process_file(client, f.c_str(), &opts, &r);
        anidb_free_file_result(r);
        anidb_event_t events[64];
        size_t n = 0;
        // Events that did not fit were dropped (and are counted): polling works.
        const anidb_result_t polled = anidb_event_poll(client, events, 64, &n);
        if (polled != ANIDB_SUCCESS) return polled;
        for (size_t i = 0; i < n; ++i) EXPECT_GE(events[i].type, ANIDB_EVENT_FILE_START);
        // The polled events' strings are held until the next poll: give
        // them back, so that nothing stays allocated.
        EXPECT_EQ(anidb_event_poll(client, nullptr, 0, &n), ANIDB_SUCCESS);
        return rc;
    });
}

TEST_F(OomLoop, ClientCreate) {
    exercise("client create and last error", [&] {
        anidb_config_t cfg{};
        const std::string dir = (tmp.path() / "cache2").string();
        cfg.cache_dir = dir.c_str();
        anidb_client_handle_t h = reinterpret_cast<anidb_client_handle_t>(1);
        const anidb_result_t rc = anidb_client_create_with_config(&cfg, &h);
        if (rc != ANIDB_SUCCESS) {
            EXPECT_EQ(h, nullptr);
            return rc;
        }
        char* message = anidb_client_get_last_error_string(h);  // NULL when it does not fit
        anidb_free_string(message);
        EXPECT_EQ(anidb_client_destroy(h), ANIDB_SUCCESS);
        return rc;
    });
}

// Issue 16's results: a title search with matches and a queue listing (one
// job, queued without credentials), each one tracked block.
TEST_F(OomLoop, TitleSearchAndQueueListing) {
    {
        auto index = titles::TitleIndex::open(tmp.path() / "cache" / "anidb.db");
        ASSERT_TRUE(index.ok()) << index.error().message;
        const std::string gz = titles::test::gzip(titles::test::sample_dump());
        ASSERT_TRUE((*index)->import_dump(titles::test::bytes_of(gz), titles::test::kNow).ok());
    }
    anidb_mylist_change_t change{};
    ASSERT_EQ(anidb_mylist_watched(client, "0123456789abcdef0123456789abcdef", 1000, 1, 0, &change),
              ANIDB_SUCCESS);
    ASSERT_EQ(change.what, ANIDB_MYLIST_CHANGE_QUEUED);
    exercise("title search and queue listing", [&] {
        auto* found = reinterpret_cast<anidb_title_search_result_t*>(1);
        anidb_result_t rc = anidb_titles_search(client, "cowboy bebop", nullptr, 5, &found);
        if (rc != ANIDB_SUCCESS) {
            EXPECT_EQ(found, nullptr);
            return rc;
        }
        EXPECT_GE(found->count, 1u);
        anidb_free_title_search_result(found);
        auto* list = reinterpret_cast<anidb_queue_list_t*>(1);
        rc = anidb_queue_list(client, &list);
        if (rc != ANIDB_SUCCESS) {
            EXPECT_EQ(list, nullptr);
            return rc;
        }
        EXPECT_EQ(list->count, 1u);
        anidb_free_queue_list(list);
        return rc;
    });
}

// Identification through the fake AniDB server (in this process), the
// cache emptied before every run so that each one asks the server.
TEST_F(OomLoop, IdentifyAgainstTheFakeServer) {
    FakeServerOptions so;
    so.flood_interval = std::chrono::milliseconds(2);  // 2 s scaled like the client
    FakeAnidbServer server(so);
    const FakeCatalog catalog = FakeCatalog::worked_example();
    server.set_catalog(catalog);
    server.add_user("oomuser", "oompass", "");
    ASSERT_TRUE(server.start().ok());
    ASSERT_FALSE(catalog.files.empty());
    const std::string ed2k = catalog.files.front().get("ed2k");
    const auto size = static_cast<uint64_t>(catalog.files.front().get_int("size"));

    anidb_config_t cfg{};
    const std::string dir = (tmp.path() / "cache3").string();
    cfg.cache_dir = dir.c_str();
    cfg.username = "oomuser";
    cfg.password = "oompass";
    cfg.client_name = "oomtest";
    cfg.client_version = "1";
    anidb_client_handle_t c = nullptr;
    ASSERT_EQ(anidb_client_create_with_config(&cfg, &c), ANIDB_SUCCESS);
    const std::string server_at = "127.0.0.1:" + std::to_string(server.port());
    ASSERT_EQ(anidb_client_set_option(c, "anidb.server", server_at.c_str()), ANIDB_SUCCESS);
    ASSERT_EQ(anidb_client_set_option(c, "anidb.local_port", "0"), ANIDB_SUCCESS);
    ASSERT_EQ(anidb_client_set_option(c, "anidb.interval_scale", "0.001"), ANIDB_SUCCESS);
    ASSERT_EQ(anidb_client_set_option(c, "anidb.timeout_ms", "2000"), ANIDB_SUCCESS);

    exercise("identify (fake AniDB server)", [&] {
        anidb_cache_clear(c);
        anidb_anime_info_t* info = reinterpret_cast<anidb_anime_info_t*>(1);
        const anidb_result_t rc = anidb_identify_file(c, ed2k.c_str(), size, &info);
        if (rc != ANIDB_SUCCESS) {
            EXPECT_EQ(info, nullptr);
            return rc;
        }
        EXPECT_GT(info->anime_id, 0u);
        EXPECT_EQ(info->source, 0);  // asked AniDB: the cache was emptied
        anidb_free_anime_info(info);
        return rc;
    });
    EXPECT_EQ(anidb_client_destroy(c), ANIDB_SUCCESS);
    server.stop();
}

}  // namespace
}  // namespace anidb::test
