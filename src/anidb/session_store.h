// Where a session key is kept between processes so that short runs reuse a
// live AniDB session instead of logging in every time. The client backs it
// with the cache database; MemorySessionStore serves tests. Implementations
// must be thread-safe. Values are opaque strings written by Session.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace anidb::udp {

class SessionStore {
  public:
    virtual ~SessionStore() = default;
    virtual std::optional<std::string> get(std::string_view key) = 0;
    virtual void put(std::string_view key, std::string_view value) = 0;
    virtual void erase(std::string_view key) = 0;
};

class MemorySessionStore final : public SessionStore {
  public:
    std::optional<std::string> get(std::string_view key) override {
        std::lock_guard lock(mu_);
        auto it = map_.find(key);
        return it == map_.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    void put(std::string_view key, std::string_view value) override {
        std::lock_guard lock(mu_);
        map_.insert_or_assign(std::string(key), std::string(value));
    }
    void erase(std::string_view key) override {
        std::lock_guard lock(mu_);
        auto it = map_.find(key);
        if (it != map_.end()) map_.erase(it);
    }

  private:
    std::mutex mu_;
    std::map<std::string, std::string, std::less<>> map_;
};

}  // namespace anidb::udp
