#include "client/config.h"

#include <charconv>
#include <cstdlib>
#include <string>

#include "titles/http_download.h"

namespace anidb::client {
namespace {

template <typename T>
bool parse_number(std::string_view text, T& out) {
    if (text.empty()) return false;
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return false;
    out = value;
    return true;
}

bool parse_bool(std::string_view text, bool& out) {
    if (text == "1" || text == "true" || text == "yes" || text == "on") {
        out = true;
        return true;
    }
    if (text == "0" || text == "false" || text == "no" || text == "off") {
        out = false;
        return true;
    }
    return false;
}

Error bad_value(std::string_view key) {
    return make_error(Errc::invalid_parameter,
                      "invalid value for option '" + std::string(key) + "'");
}

// "host:port" or "[v6]:port" or "host" (port kept).
Status parse_server(std::string_view text, std::string& host, uint16_t& port) {
    std::string_view h = text;
    uint16_t p = port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return bad_value("anidb.server");
        h = text.substr(1, close - 1);
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':' || !parse_number(rest.substr(1), p))
                return bad_value("anidb.server");
        }
    } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
        h = text.substr(0, colon);
        if (!parse_number(text.substr(colon + 1), p)) return bad_value("anidb.server");
    }
    if (h.empty() || p == 0) return bad_value("anidb.server");
    host.assign(h);
    port = p;
    return {};
}

}  // namespace

Status ClientConfig::set_option(std::string_view key, std::string_view value) {
    if (key == "anidb.server") return parse_server(value, server_host, server_port);
    if (key == "anidb.local_port") {
        if (!parse_number(value, local_port)) return bad_value(key);
        return {};
    }
    if (key == "anidb.username") {
        username.assign(value);
        return {};
    }
    if (key == "anidb.password") {
        password.assign(value);
        return {};
    }
    if (key == "anidb.api_key") {
        api_key.assign(value);
        return {};
    }
    if (key == "anidb.client_name") {
        client_name.assign(value);
        return {};
    }
    if (key == "anidb.client_version") {
        client_version.assign(value);
        return {};
    }
    if (key == "anidb.encrypt")
        return parse_bool(value, encrypt) ? Status{} : Status{bad_value(key)};
    if (key == "anidb.timeout_ms") {
        return parse_number(value, timeout_ms) && timeout_ms > 0 ? Status{}
                                                                 : Status{bad_value(key)};
    }
    if (key == "anidb.retries")
        return parse_number(value, retries) ? Status{} : Status{bad_value(key)};
    if (key == "anidb.give_up_ms") {
        return parse_number(value, give_up_ms) && give_up_ms > 0 ? Status{}
                                                                 : Status{bad_value(key)};
    }
    if (key == "anidb.interval_scale") {
        char* end = nullptr;
        const std::string text(value);
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !(v > 0.0) || v > 1.0) return bad_value(key);
        interval_scale = v;
        return {};
    }
    if (key == "anidb.file_ttl_days") {
        return parse_number(value, file_ttl_days) ? Status{} : Status{bad_value(key)};
    }
    if (key == "anidb.unknown_retry_hours") {
        return parse_number(value, unknown_retry_hours) ? Status{} : Status{bad_value(key)};
    }
    if (key == "cache.enabled") {
        return parse_bool(value, cache_enabled) ? Status{} : Status{bad_value(key)};
    }
    if (key == "cache.answers") {
        if (value == "use") {
            answer_cache = AnswerCache::use;
        } else if (value == "refresh") {
            answer_cache = AnswerCache::refresh;
        } else if (value == "off") {
            answer_cache = AnswerCache::off;
        } else {
            return bad_value(key);
        }
        return {};
    }
    if (key == "io.readers_per_device") {
        return parse_number(value, readers_per_device) ? Status{} : Status{bad_value(key)};
    }
    if (key == "io.readers_for_path") return set_readers_for_path(value);
    if (key == "titles.url") {
        if (!titles::is_valid_http_url(value)) return bad_value(key);
        titles_url.assign(value);
        return {};
    }
    if (key == "cache.dir") {
        cache_dir = std::string(value);
        return {};
    }
    return make_error(Errc::invalid_parameter, "unknown option '" + std::string(key) + "'");
}

Status ClientConfig::set_readers_for_path(std::string_view value) {
    const size_t eq = value.rfind('=');
    size_t readers = 0;
    if (eq == std::string_view::npos || eq == 0 || !parse_number(value.substr(eq + 1), readers)) {
        return bad_value("io.readers_for_path");
    }
    std::string prefix(value.substr(0, eq));
    while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
    std::erase_if(readers_by_prefix, [&](const auto& rule) { return rule.first == prefix; });
    if (readers != 0) readers_by_prefix.emplace_back(std::move(prefix), readers);
    return {};
}

void ClientConfig::apply_environment() {
    const auto env = [](const char* name) -> const char* {
        const char* v = std::getenv(name);
        return (v != nullptr && *v != '\0') ? v : nullptr;
    };
    if (const char* v = env("ANIDB_SERVER")) (void)parse_server(v, server_host, server_port);
    if (const char* v = env("ANIDB_USERNAME")) username = v;
    if (const char* v = env("ANIDB_PASSWORD")) password = v;
    if (const char* v = env("ANIDB_CLIENT_NAME")) client_name = v;
    if (const char* v = env("ANIDB_CLIENT_VERSION")) client_version = v;
    if (const char* v = env("ANIDB_LOCAL_PORT"))
        (void)parse_number(std::string_view(v), local_port);
    if (const char* v = env("ANIDB_TITLES_URL"); v != nullptr && titles::is_valid_http_url(v)) {
        titles_url = v;
    }
}

std::filesystem::path ClientConfig::database_path() const {
    if (!cache_dir.empty()) return cache_dir / "anidb.db";
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/') {
        return std::filesystem::path(xdg) / "anidb" / "anidb.db";
    }
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : "/tmp") / ".local/share/anidb/anidb.db";
}

void ClientConfig::wipe_secrets() noexcept {
    // volatile writes so the compiler cannot drop them as dead stores.
    for (std::string* s : {&password, &api_key}) {
        volatile char* p = s->data();
        for (size_t i = 0; i < s->size(); ++i) p[i] = 0;
        s->clear();
    }
}

}  // namespace anidb::client
