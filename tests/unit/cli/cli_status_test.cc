// The status area's lines (pure rendering) and the terminal helpers they
// rely on: display width of UTF-8 text, cutting to a width, colour rules.
#include <gtest/gtest.h>
#include <pty.h>
#include <unistd.h>

#include <map>
#include <string>

#include "status_area.h"
#include "terminal.h"
#include "units.h"

namespace anidb::cli {
namespace {

StatusSnapshot half_done() {
    StatusSnapshot s;
    s.bytes_done = 512ull << 20;
    s.bytes_total = 1024ull << 20;
    s.files_done = 1;
    s.files_total = 4;
    s.hashing_seconds = 4;
    s.current = "some/very/long/path/to/Show - 01 [Group].mkv";
    return s;
}

TEST(CliStatus, HashingLineShowsPercentThroughputEtaFilesAndFitsTheWidth) {
    const auto lines = render_status(half_done(), 120, Style(false));
    ASSERT_EQ(lines.size(), 1u);  // no AniDB line for hash
    const std::string& line = lines[0];
    EXPECT_NE(line.find(" 50%"), std::string::npos) << line;
    EXPECT_NE(line.find("512.0 MiB/1.0 GiB"), std::string::npos) << line;
    EXPECT_NE(line.find("128.0 MiB/s"), std::string::npos) << line;
    EXPECT_NE(line.find("ETA 0:04"), std::string::npos) << line;
    EXPECT_NE(line.find("1/4 files"), std::string::npos) << line;
    EXPECT_NE(line.find("Show - 01"), std::string::npos) << line;
    for (size_t width : {10u, 30u, 45u, 60u, 80u, 200u}) {
        for (const std::string& l : render_status(half_done(), width, Style(true))) {
            // Colour codes take no columns; strip them to measure.
            std::string plain;
            for (size_t i = 0; i < l.size(); ++i) {
                if (l[i] == '\x1b') {
                    while (i < l.size() && l[i] != 'm') ++i;
                    continue;
                }
                plain += l[i];
            }
            EXPECT_LE(display_columns(plain), width) << plain;
        }
    }
    EXPECT_EQ(human_bytes(100), "100 B");
}

TEST(CliStatus, OnceEverythingIsHashedTheTotalsAreFrozen) {
    StatusSnapshot s = half_done();
    s.files_done = 4;
    s.bytes_done = s.bytes_total;
    const std::string line = render_status(s, 120, Style(false))[0];
    EXPECT_EQ(line, "hashed 4/4 files, 1.0 GiB in 4.0 s (256.0 MiB/s)");
}

TEST(CliStatus, AnidbLineShowsTheQueueAndTheRequestInFlight) {
    StatusSnapshot s = half_done();
    s.anidb.shown = true;
    s.anidb.total = 4;
    s.anidb.done = 1;
    s.anidb.queued = 2;
    s.anidb.activity = AnidbState::Activity::requesting;
    s.anidb.command = "FILE";
    s.anidb.activity_seconds = 1.25;
    auto lines = render_status(s, 200, Style(false));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(
        lines[1],
        "AniDB 1/4 done \xC2\xB7 2 queued \xC2\xB7 FILE sent 1.2 s ago, waiting for the reply");
    s.anidb.activity = AnidbState::Activity::waiting_for_slot;
    s.anidb.next_send_in = 1.6;
    lines = render_status(s, 200, Style(false));
    EXPECT_NE(lines[1].find("FILE waiting for AniDB (2 s between requests): leaves in 1.6 s"),
              std::string::npos)
        << lines[1];
    s.anidb.next_send_in = -1;
    s.anidb.waiting_for = "FILE: waiting for another AniDB program on this machine";
    lines = render_status(s, 200, Style(false));
    EXPECT_NE(lines[1].find("\xC2\xB7 FILE: waiting for another AniDB program"), std::string::npos)
        << lines[1];
    s.anidb.activity = AnidbState::Activity::idle;
    s.anidb.queued = 0;
    lines = render_status(s, 200, Style(false));
    EXPECT_EQ(lines[1], "AniDB 1/4 done \xC2\xB7 waiting for hashes");
    EXPECT_LE(display_columns(render_status(s, 12, Style(false))[1]), 12u);
}

TEST(CliTerminal, DisplayColumnsCountWideAndCombiningCharacters) {
    EXPECT_EQ(display_columns("abc"), 3u);
    EXPECT_EQ(display_columns("日本語"), 6u);                     // wide
    EXPECT_EQ(display_columns("e\xCC\x81"), 1u);                  // e + combining acute
    EXPECT_EQ(display_columns("bad\xFF"), 4u);                    // invalid byte: one column
    EXPECT_EQ(fit_columns("日本語です", 5), "日本\xE2\x80\xA6");  // never half a character
    EXPECT_EQ(fit_columns_from_end("dir/日本語.mkv", 8), "\xE2\x80\xA6語.mkv");
    EXPECT_EQ(fit_columns("short", 10), "short");
}

TEST(CliTerminal, ColourOnlyOnATerminalWithoutNoColor) {
    int master = -1, slave = -1;
    ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    std::map<std::string, std::string> env;
    const EnvGetter getenv = [&](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    };
    EXPECT_TRUE(colour_wanted(slave, getenv));
    EXPECT_FALSE(colour_wanted(pipe_fds[1], getenv));
    env["NO_COLOR"] = "";  // empty: no effect (no-color.org)
    EXPECT_TRUE(colour_wanted(slave, getenv));
    env["NO_COLOR"] = "1";
    EXPECT_FALSE(colour_wanted(slave, getenv));
    env.erase("NO_COLOR");
    env["TERM"] = "dumb";
    EXPECT_FALSE(colour_wanted(slave, getenv));
    for (int fd : {master, slave, pipe_fds[0], pipe_fds[1]}) ::close(fd);
    EXPECT_EQ(Style(false).paint(Tone::bad, "FAILED"), "FAILED");
    EXPECT_EQ(Style(true).paint(Tone::bad, "FAILED"), "\x1b[31mFAILED\x1b[0m");
}

}  // namespace
}  // namespace anidb::cli
