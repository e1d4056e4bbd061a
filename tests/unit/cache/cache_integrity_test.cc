// Stored data you can trust: every row the cache returns is verified (a
// checksum over the whole row, and the form of each value) first. A row that
// fails is a miss, never a wrong answer. Bit rot is played by bytes changed
// behind SQLite's back: by a foreign connection (a value SQLite stores
// happily) or scattered at random in the file (what SQLite cannot see).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <random>
#include <sstream>

#include "cache/cache_db.h"
#include "cache_test_util.h"
#include "support/temp_dir.h"

namespace anidb::cache {
namespace {

using test::fake_identity;
using test::open_or_fail;
using test::well_formed_digests;

// Scatters `count` random bytes over the file past its first 100 bytes (the
// header: damage there makes the whole file unusable, tested elsewhere).
void scatter_bytes(const std::filesystem::path& file, std::mt19937_64& rng, int count) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(0, std::ios::end);
    const auto size = static_cast<uint64_t>(f.tellg());
    ASSERT_GT(size, 4096u);
    for (int i = 0; i < count; ++i) {
        const uint64_t at = 100 + rng() % (size - 100);
        const char byte = static_cast<char>(rng());
        f.seekp(static_cast<std::streamoff>(at));
        f.write(&byte, 1);
    }
}

// Bounded: 12 rounds of 300 entries, 40 bytes each (well under a second).
// Every answer is the stored truth, a miss, or an error; never a wrong value.
TEST(CacheIntegrity, ScatteredBytesNeverGiveAWrongAnswer) {
    std::mt19937_64 rng(1313);
    int wrong = 0, right = 0, missed = 0, failed = 0, unopenable = 0;
    for (int round = 0; round < 12; ++round) {
        anidb::test::TempDir dir;
        const auto file = dir / "anidb.db";
        constexpr int kEntries = 300;
        {
            auto db = open_or_fail(file);
            ASSERT_NE(db, nullptr);
            for (int i = 0; i < kEntries; ++i) {
                ASSERT_TRUE(db->store_hashes(fake_identity("/lib/show/" + std::to_string(i), i),
                                             well_formed_digests(i))
                                .ok());
            }
        }  // closed: the WAL is checkpointed into the file
        scatter_bytes(file, rng, 40);
        auto db = CacheDb::open(file);
        if (!db.ok()) {
            ++unopenable;
            continue;
        }
        for (int i = 0; i < kEntries; ++i) {
            auto hit = (*db)->find_hashes(fake_identity("/lib/show/" + std::to_string(i), i));
            if (!hit.ok()) {
                ++failed;
            } else if (!hit->has_value() || (*hit)->digests.empty()) {
                ++missed;
            } else if ((*hit)->digests == well_formed_digests(i)) {
                ++right;
            } else {
                ++wrong;
                ADD_FAILURE() << "round " << round << " entry " << i << ": a wrong answer";
            }
        }
    }
    EXPECT_EQ(wrong, 0);
    EXPECT_GT(right, 0);
    std::cout << "right " << right << ", missed " << missed << ", errors " << failed
              << ", databases refused " << unopenable << "\n";
}

}  // namespace
}  // namespace anidb::cache
