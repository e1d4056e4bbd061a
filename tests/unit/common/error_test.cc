// Every error code has a description (what anidb_error_string returns).
#include "common/error.h"

#include <gtest/gtest.h>

#include <cstring>

namespace anidb {
namespace {

TEST(Errors, EveryCodeHasADescriptionAndUnknownValuesToo) {
    for (int code = 0; code <= 100; ++code) {
        const char* text = errc_description(static_cast<Errc>(code));
        ASSERT_NE(text, nullptr) << code;
        EXPECT_GT(std::strlen(text), 0U) << code;
    }
    EXPECT_STRNE(errc_description(Errc::file_not_found), errc_description(Errc::unknown));
    EXPECT_STREQ(errc_description(static_cast<Errc>(12345)), "unknown error");
}

}  // namespace
}  // namespace anidb
