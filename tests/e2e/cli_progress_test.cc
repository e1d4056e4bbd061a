#include <gtest/gtest.h>

#include "progress_bar.h"

namespace anidb::cli {
namespace {

TEST(CliProgress, LineShowsPercentThroughputEtaAndFitsTheWidth) {
    ProgressSnapshot s;
    s.bytes_done = 512ull << 20;
    s.bytes_total = 1024ull << 20;
    s.files_done = 1;
    s.files_total = 4;
    s.elapsed_seconds = 4;
    s.current = "some/very/long/path/to/Show - 01 [Group].mkv";
    const std::string line = render_progress_line(s, 120);
    EXPECT_NE(line.find(" 50%"), std::string::npos) << line;
    EXPECT_NE(line.find("512.0 MiB/1.0 GiB"), std::string::npos) << line;
    EXPECT_NE(line.find("128.0 MiB/s"), std::string::npos) << line;
    EXPECT_NE(line.find("ETA 0:04"), std::string::npos) << line;
    EXPECT_NE(line.find("[1/4]"), std::string::npos) << line;
    EXPECT_NE(line.find("Show - 01"), std::string::npos) << line;
    EXPECT_LE(render_progress_line(s, 60).size(), 62u);  // '…' is 3 bytes, 1 column
    EXPECT_EQ(human_bytes(100), "100 B");
}

}  // namespace
}  // namespace anidb::cli
