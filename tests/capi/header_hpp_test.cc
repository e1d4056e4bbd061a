// anidb/anidb.hpp: AniDBResult converts both ways with anidb_result_t and
// compares with both; the one-argument anidb_client_get_last_error returns an
// owned copy of what the three-argument form copies; AniDBProcessOptions
// reaches anidb_process_file field for field.
#include "anidb/anidb.hpp"

#include <cstring>
#include <string>

#include "capi_fixture.h"

static_assert(AniDBResult::Success == ANIDB_SUCCESS);
static_assert(AniDBResult::ErrorInvalidUtf8 == ANIDB_ERROR_INVALID_UTF8);
static_assert(AniDBResult::ErrorOutOfMemory.code() == ANIDB_ERROR_OUT_OF_MEMORY);
static_assert(AniDBResult::ErrorNoCredentials == ANIDB_ERROR_NO_CREDENTIALS);
static_assert(AniDBResult::ErrorUnknown == ANIDB_ERROR_UNKNOWN);
static_assert(!(AniDBResult::Success == AniDBResult::ErrorIo));

namespace anidb::test {
namespace {

class HeaderHpp : public CapiTest {};

TEST_F(HeaderHpp, OneArgumentLastErrorIsAnOwnedCopy) {
    AniDBResult status = anidb_client_set_option(client, "no.such.option", "1");
    EXPECT_TRUE(status == AniDBResult::ErrorInvalidParameter);
    EXPECT_STREQ(status.message(), anidb_error_string(ANIDB_ERROR_INVALID_PARAMETER));
    switch (status) {
        case ANIDB_ERROR_INVALID_PARAMETER:
            break;
        default:
            ADD_FAILURE() << "switch on an AniDBResult";
    }
    const char* error_msg = anidb_client_get_last_error(client);
    ASSERT_NE(error_msg, nullptr);
    EXPECT_EQ(std::string(error_msg), last_error());
    EXPECT_EQ(std::string(error_msg), "unknown option 'no.such.option'");
    anidb_free_string(const_cast<char*>(error_msg));
    EXPECT_EQ(anidb_client_get_last_error(nullptr), nullptr);
}

TEST_F(HeaderHpp, ProcessOptionsReachTheLibrary) {
    const auto path = tmp.write_random("one.bin", 100000, 7).string();
    const AniDBHashAlgorithm algorithms[] = {ANIDB_HASH_CRC32, ANIDB_HASH_MD5};
    AniDBProcessOptions options = {
        .algorithms = algorithms, .algorithm_count = 2, .verify_existing = 1};
    AniDBFileResult* result = nullptr;
    AniDBResult status = anidb_process_file(client, path.c_str(), &options, &result);
    ASSERT_TRUE(status == AniDBResult::Success);
    ASSERT_EQ(result->hash_count, 2U);
    EXPECT_EQ(result->hashes[0].algorithm, ANIDB_HASH_CRC32);
    EXPECT_EQ(result->hashes[1].algorithm, ANIDB_HASH_MD5);
    anidb_free_file_result(result);
    options.algorithm_count = 0;  // refused by the library, not by the wrapper
    EXPECT_TRUE(anidb_process_file(client, path.c_str(), &options, &result) ==
                AniDBResult::ErrorInvalidParameter);
    EXPECT_EQ(result, nullptr);
}

}  // namespace
}  // namespace anidb::test
