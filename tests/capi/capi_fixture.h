// Shared set-up for the C ABI gtests: an initialised library, a client with
// its cache in a temporary directory, and a leak check when the test ends.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "anidb/anidb.h"
#include "support/temp_dir.h"

namespace anidb::test {

class CapiTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(anidb_init(ANIDB_ABI_VERSION), ANIDB_SUCCESS);
        client = make_client();
    }
    void TearDown() override {
        if (client != nullptr) {
            EXPECT_EQ(anidb_client_destroy(client), ANIDB_SUCCESS);
        }
        anidb_set_memory_limit(0);
        uint64_t count = 0, bytes = 0;
        EXPECT_EQ(anidb_check_memory_leaks(&count, &bytes), ANIDB_SUCCESS);
        EXPECT_EQ(count, 0U);
        EXPECT_EQ(bytes, 0U);
    }
    anidb_client_handle_t make_client() {
        anidb_config_t cfg{};
        const std::string dir = (tmp.path() / "cache").string();
        cfg.cache_dir = dir.c_str();
        anidb_client_handle_t h = nullptr;
        EXPECT_EQ(anidb_client_create_with_config(&cfg, &h), ANIDB_SUCCESS);
        return h;
    }
    std::string last_error() {
        char buf[512];
        anidb_client_get_last_error(client, buf, sizeof buf);
        return buf;
    }

    TempDir tmp;
    anidb_client_handle_t client = nullptr;
};

inline anidb_process_options_t options_for(const anidb_hash_algorithm_t* algos, size_t n) {
    anidb_process_options_t o{};
    o.algorithms = algos;
    o.algorithm_count = n;
    return o;
}

}  // namespace anidb::test
