// AnidbSessionLink: one client's AniDB session — opened on first use with the
// configuration as it is then, its key kept in the cache database for the
// next process, ended by logout or when the client goes — and what a status
// display reads about it without traffic (the kept session, the host-wide
// cool-down).
//
// Thread safety: every member may be called from several threads at once.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>

#include "anidb/host_state.h"
#include "anidb/session.h"
#include "anidb/session_store.h"
#include "client/client_context.h"
#include "client/types.h"

namespace anidb::client {

class AnidbSessionLink {
  public:
    explicit AnidbSessionLink(ClientContext& context);
    ~AnidbSessionLink();
    AnidbSessionLink(const AnidbSessionLink&) = delete;
    AnidbSessionLink& operator=(const AnidbSessionLink&) = delete;

    // The session, opened on first use. Errc::no_credentials without a
    // user name and password.
    Result<udp::Session*> session();
    // Client::logout, Client::end_session, Client::session_status.
    Status logout(std::stop_token stop, std::optional<std::chrono::milliseconds> patience);
    void end(std::chrono::milliseconds patience, std::stop_token stop);
    SessionStatus status();

    // The host-wide AniDB state directory and the cool-down in force there.
    static std::filesystem::path host_state_dir();
    static std::optional<udp::Cooldown> cooldown();

  private:
    ClientContext& context_;
    std::mutex mutex_;
    std::unique_ptr<udp::SessionStore> store_;
    std::unique_ptr<udp::Session> session_;
};

}  // namespace anidb::client
