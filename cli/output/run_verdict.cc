#include "run_verdict.h"

#include "exit_codes.h"
#include "text_escape.h"

namespace anidb::cli {

bool RunVerdict::note(Errc code, const std::string& message) {
    if (ended()) return true;
    // One file's bad input (an empty file: "size is 0") fails that file
    // only; of the usage errors just missing credentials fail every file.
    if (code == Errc::cancelled || !is_fatal_for_run(code)) return false;
    if (exit_code_for(code) == kExitUsage && code != Errc::no_credentials) return false;
    exit_code_ = exit_code_for(code);
    cause_ = printable(message.empty() ? errc_description(code) : message);
    return true;
}

}  // namespace anidb::cli
