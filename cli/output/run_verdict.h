// The outcome of a run of files against AniDB. The first error that ends
// the run for every file (AniDB refusing us, the network gone, a protocol
// failure; see is_fatal_for_run) becomes its cause and exit code: the files
// after it are not asked about, they fail at once with the same cause.
// A stop (Ctrl-C) is not a cause: the run just ends with 130.
// Not thread-safe: the file handlers of a run are called one at a time.
#pragma once

#include <string>

#include "common/error.h"

namespace anidb::cli {

class RunVerdict {
  public:
    // Notes one file's error; true when it ended the run (the first one
    // that does is kept).
    bool note(Errc code, const std::string& message);
    bool ended() const { return exit_code_ != 0; }
    int exit_code() const { return exit_code_; }  // 0 while the run goes on
    // The cause, escaped for printing (server text may hold escapes).
    const std::string& cause() const { return cause_; }

  private:
    int exit_code_ = 0;
    std::string cause_;
};

}  // namespace anidb::cli
