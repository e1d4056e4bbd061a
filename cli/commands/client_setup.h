// What every command shares: the global flags, loading the settings with
// them, and creating the anidb::client::Client those settings describe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cancellation.h"
#include "client/client.h"
#include "common/result.h"
#include "settings.h"

namespace anidb::cli {
class Console;
class StatusArea;
}  // namespace anidb::cli

namespace anidb::cli {

struct GlobalOptions {
    std::string config_path;     // --config
    std::string server;          // --server host:port
    std::string cache_dir;       // --cache-dir
    std::string username;        // --username
    std::string client_name;     // --client-name
    std::string client_version;  // --client-version
    std::string interval_scale;  // hidden --interval-scale (loopback test servers)
    bool quiet = false;          // --quiet: no progress, fewer messages
    bool verbose = false;        // --verbose
};

struct AppContext {
    GlobalOptions global;
    Cancellation* cancellation = nullptr;
    Console* console = nullptr;  // every result and message of a run goes through it
    int exit_code = 0;
};

// Settings from file, environment and the global flags.
Result<Settings> load_settings(const GlobalOptions& global);

// A client for `settings`; `cache` false disables the cache (hash
// --no-cache); `answers` is the client option "cache.answers" ("use",
// "refresh" or "off"). A cache that cannot be opened is reported on
// stderr and the run goes on without it. The client is shut down on Ctrl-C.
Result<std::shared_ptr<client::Client>> create_client(const Settings& settings, AppContext& ctx,
                                                      bool cache = true,
                                                      std::string_view answers = "use");

// While alive, the client's network events drive the status area's AniDB
// line (and the area shows it).
class AnidbActivityFeed {
  public:
    AnidbActivityFeed(client::Client& client, StatusArea& status);
    ~AnidbActivityFeed();
    AnidbActivityFeed(const AnidbActivityFeed&) = delete;
    AnidbActivityFeed& operator=(const AnidbActivityFeed&) = delete;

  private:
    client::Client& client_;
};

// Prints "anidb: message" on stderr (control characters escaped: messages
// may quote AniDB) and returns the exit code for `error`.
int report_error(const Error& error);

// After a run: on Ctrl-C, logs out of AniDB if that fits in half a second
// (never waiting for AniDB). Otherwise the session is kept for the next run
// when the cache stores it, as AniDB asks clients to reuse sessions rather
// than log in for every command, or logged out (a Ctrl-C ends that wait).
void finish_session(client::Client& client, const AppContext& ctx);

}  // namespace anidb::cli
