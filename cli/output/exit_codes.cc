#include "exit_codes.h"

namespace anidb::cli {

int exit_code_for(Errc code) {
    switch (code) {
        case Errc::ok:
            return kExitOk;
        case Errc::invalid_parameter:
        case Errc::invalid_utf8:
        case Errc::no_credentials:
            return kExitUsage;
        case Errc::login_failed:
        case Errc::banned:
        case Errc::client_rejected:
        case Errc::out_of_service:
        case Errc::access_denied:
            return kExitRefused;
        case Errc::network:
        case Errc::timeout:
        case Errc::server_busy:
        case Errc::server_error:
        case Errc::protocol:
            return kExitNetwork;
        case Errc::cancelled:
            return kExitInterrupted;
        default:
            return kExitSomeFailed;
    }
}

bool is_fatal_for_run(Errc code) {
    const int exit = exit_code_for(code);
    return exit == kExitRefused || exit == kExitNetwork || exit == kExitUsage ||
           code == Errc::cancelled;
}

const char* const kExitCodeHelp =
    "Exit codes:\n"
    "  0    every file succeeded\n"
    "  1    some files failed (unreadable, unknown to AniDB, hash mismatch)\n"
    "  2    usage error (bad flag, argument or configuration)\n"
    "  3    AniDB refused (login failed, banned, client rejected, out of service)\n"
    "  4    network error or time-out\n"
    "  130  interrupted (Ctrl-C / SIGTERM)\n";

}  // namespace anidb::cli
