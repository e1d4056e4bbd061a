// The C++ error vocabulary and the C result codes are one table; the fixed
// ABI values and struct layouts (docs/design.md, "The C ABI") stay put.
#include <gtest/gtest.h>

#include <cstddef>

#include "anidb/anidb.h"
#include "common/error.h"
#include "hash/algorithm.h"

namespace anidb {
namespace {

TEST(AbiEnums, ResultCodesMatchErrc) {
    EXPECT_EQ(static_cast<int>(Errc::invalid_handle), ANIDB_ERROR_INVALID_HANDLE);
    EXPECT_EQ(static_cast<int>(Errc::out_of_memory), ANIDB_ERROR_OUT_OF_MEMORY);
    EXPECT_EQ(static_cast<int>(Errc::busy), ANIDB_ERROR_BUSY);
    EXPECT_EQ(static_cast<int>(Errc::login_failed), ANIDB_ERROR_LOGIN_FAILED);
    EXPECT_EQ(static_cast<int>(Errc::banned), ANIDB_ERROR_BANNED);
    EXPECT_EQ(static_cast<int>(Errc::no_such_file), ANIDB_ERROR_NO_SUCH_FILE);
    EXPECT_EQ(static_cast<int>(Errc::server_busy), ANIDB_ERROR_SERVER_BUSY);
    EXPECT_EQ(static_cast<int>(Errc::out_of_service), ANIDB_ERROR_OUT_OF_SERVICE);
    EXPECT_EQ(static_cast<int>(Errc::client_rejected), ANIDB_ERROR_CLIENT_REJECTED);
    EXPECT_EQ(static_cast<int>(Errc::server_error), ANIDB_ERROR_SERVER_ERROR);
    EXPECT_EQ(static_cast<int>(Errc::access_denied), ANIDB_ERROR_ACCESS_DENIED);
    EXPECT_EQ(static_cast<int>(Errc::protocol), ANIDB_ERROR_PROTOCOL);
    EXPECT_EQ(static_cast<int>(Errc::no_credentials), ANIDB_ERROR_NO_CREDENTIALS);
    EXPECT_EQ(static_cast<int>(Errc::unknown), ANIDB_ERROR_UNKNOWN);
    EXPECT_EQ(static_cast<int>(hash::Algorithm::tth), ANIDB_HASH_TTH);
}

TEST(AbiEnums, FixedValues) {
    EXPECT_EQ(ANIDB_ERROR_BUSY, 14);
    EXPECT_EQ(ANIDB_STATUS_PROCESSING, 1);
    EXPECT_EQ(ANIDB_EVENT_NETWORK_COMPLETE, 8);
    EXPECT_EQ(ANIDB_EVENT_EVENTS_DROPPED, 10);
    EXPECT_EQ(ANIDB_EVENT_NETWORK_WAIT, 11);  // appended, never renumbered
    EXPECT_EQ(ANIDB_HASH_ED2K_BLUE, 6);       // since ABI 3, appended
    EXPECT_EQ(ANIDB_CALLBACK_COMPLETION, 3);
    // The seed's allocation types in its order, then anime_info; only appended.
    EXPECT_EQ(ANIDB_ALLOCATION_STRING, 0);
    EXPECT_EQ(ANIDB_ALLOCATION_HASH_RESULT, 1);
    EXPECT_EQ(ANIDB_ALLOCATION_FILE_RESULT, 2);
    EXPECT_EQ(ANIDB_ALLOCATION_BATCH_RESULT, 3);
    EXPECT_EQ(ANIDB_ALLOCATION_BUFFER, 4);
    EXPECT_EQ(ANIDB_ALLOCATION_EVENT, 5);
    EXPECT_EQ(ANIDB_ALLOCATION_ANIME_INFO, 6);
    EXPECT_EQ(ANIDB_ALLOCATION_MYLIST_ENTRY, 7);
    EXPECT_EQ(ANIDB_ALLOCATION_ANIME, 8);
    EXPECT_EQ(ANIDB_ALLOCATION_EPISODE, 9);
    EXPECT_EQ(ANIDB_ALLOCATION_GROUP, 10);
    EXPECT_EQ(ANIDB_ALLOCATION_TITLE_SEARCH, 11);
    EXPECT_EQ(ANIDB_ALLOCATION_QUEUE_LIST, 12);
    EXPECT_EQ(ANIDB_ALLOCATION_TYPE_COUNT, 13);
    EXPECT_EQ(ANIDB_MYLIST_CHANGE_QUEUED, 4);
    EXPECT_EQ(ANIDB_QUEUE_REASON_CLIENT_REJECTED, 9);
    EXPECT_EQ(ANIDB_QUEUE_JOB_WATCHED, 5);
    EXPECT_EQ(ANIDB_TITLES_TOO_SOON, 3);
    EXPECT_EQ(sizeof(anidb_allocation_stats_t), 16U);
}

TEST(AbiEnums, StructFieldOrder) {
    EXPECT_EQ(offsetof(anidb_config_t, cache_dir), 0U);
    EXPECT_LT(offsetof(anidb_config_t, max_memory_usage), offsetof(anidb_config_t, username));
    EXPECT_LT(offsetof(anidb_config_t, password), offsetof(anidb_config_t, client_version));
    EXPECT_LT(offsetof(anidb_file_result_t, hashes), offsetof(anidb_file_result_t, error_message));
    EXPECT_LT(offsetof(anidb_anime_info_t, source), offsetof(anidb_anime_info_t, file_id));
    EXPECT_LT(offsetof(anidb_memory_stats_t, memory_limit),
              offsetof(anidb_memory_stats_t, memory_pressure));
    EXPECT_EQ(offsetof(anidb_event_t, type), 0U);
    // The dropped and wait members added to the union do not change its size.
    EXPECT_EQ(sizeof(anidb_event_data_t), 16U);
}

TEST(AbiEnums, ErrorStringsAreNeverEmpty) {
    for (int code = 0; code < 120; ++code) {
        const char* s = anidb_error_string(static_cast<anidb_result_t>(code));
        ASSERT_NE(s, nullptr);
        EXPECT_GT(std::string(s).size(), 0U);
    }
}

}  // namespace
}  // namespace anidb
