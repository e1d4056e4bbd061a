// The exit codes of `anidb` (documented in --help and anidb(1)).
#pragma once

#include "common/error.h"

namespace anidb::cli {

enum ExitCode : int {
    kExitOk = 0,             // everything succeeded
    kExitSomeFailed = 1,     // some files failed (unreadable, unknown to AniDB, mismatch)
    kExitUsage = 2,          // bad flags, arguments or config
    kExitRefused = 3,        // AniDB refused: login failed, banned, client rejected, out of service
    kExitNetwork = 4,        // network error or time-out
    kExitInterrupted = 130,  // SIGINT / SIGTERM
};

// The exit code a whole-run failure with `code` leads to.
int exit_code_for(Errc code);

// True for codes that end the run for every file (AniDB refusing us, the
// network gone), as opposed to one file's problem.
bool is_fatal_for_run(Errc code);

extern const char* const kExitCodeHelp;

}  // namespace anidb::cli
