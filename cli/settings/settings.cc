#include "settings.h"

#include <sys/stat.h>

#include <cctype>
#include <charconv>
#include <cstdlib>

#include <toml++/toml.h>

namespace anidb::cli {

namespace fs = std::filesystem;

namespace {

std::string env_name_for(std::string_view alias) {
    std::string out = "ANIDB_";
    for (char c : alias) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

Result<std::string> normalise_setting_value(const SettingKey& key, std::string text) {
    const auto bad = [&](const char* what) {
        return make_error(Errc::invalid_parameter, std::string("setting '") + std::string(key.key) +
                                                       "' needs " + what + ", got '" + text + "'");
    };
    switch (key.type) {
        case SettingType::integer: {
            long long v = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v < 0) {
                return bad("a whole number");
            }
            return text;
        }
        case SettingType::boolean:
            if (text == "true" || text == "1" || text == "yes" || text == "on")
                return std::string("true");
            if (text == "false" || text == "0" || text == "no" || text == "off")
                return std::string("false");
            return bad("true or false");
        case SettingType::number: {
            char* end = nullptr;
            std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0') return bad("a number");
            return text;
        }
        default:
            return text;
    }
}

namespace {

// A TOML node as the text form of `key`'s type.
Result<SettingValue> from_toml(const SettingKey& key, const toml::node& node) {
    SettingValue out;
    out.source = SettingSource::file;
    const auto wrong = [&](const char* what) {
        return make_error(Errc::invalid_parameter,
                          "config: '" + std::string(key.key) + "' must be " + what);
    };
    switch (key.type) {
        case SettingType::string:
        case SettingType::secret:
            if (!node.is_string()) return wrong("a string");
            out.value = node.value<std::string>().value_or("");
            break;
        case SettingType::integer:
            if (!node.is_integer() || *node.value<int64_t>() < 0)
                return wrong("a non-negative integer");
            out.value = std::to_string(*node.value<int64_t>());
            break;
        case SettingType::boolean:
            if (!node.is_boolean()) return wrong("true or false");
            out.value = *node.value<bool>() ? "true" : "false";
            break;
        case SettingType::number:
            if (!node.is_number()) return wrong("a number");
            out.value = std::to_string(*node.value<double>());
            break;
        case SettingType::list: {
            const toml::array* array = node.as_array();
            if (array == nullptr) return wrong("an array of strings");
            for (const toml::node& item : *array) {
                if (!item.is_string()) return wrong("an array of strings");
                out.list.push_back(*item.value<std::string>());
            }
            break;
        }
    }
    return out;
}

void collect_unknown_keys(const toml::table& table, const std::string& prefix,
                          std::vector<std::string>& warnings) {
    for (const auto& [name, node] : table) {
        const std::string key =
            prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
        if (const toml::table* sub = node.as_table()) {
            collect_unknown_keys(*sub, key, warnings);
        } else if (find_setting_key(key) == nullptr) {
            warnings.push_back("config: unknown key '" + key + "' ignored");
        }
    }
}

}  // namespace

const std::vector<SettingKey>& setting_keys() {
    static const std::vector<SettingKey> keys{
        {"anidb.username", "username", SettingType::string, "AniDB user name"},
        {"anidb.password", "password", SettingType::secret, "AniDB password (never printed)"},
        {"anidb.api_key", "api_key", SettingType::secret,
         "AniDB API key for ENCRYPT (never printed)"},
        {"anidb.encrypt", "encrypt", SettingType::boolean, "encrypt the AniDB session"},
        {"anidb.server", "server", SettingType::string, "AniDB UDP server, host:port"},
        {"anidb.client_name", "client_name", SettingType::string, "registered AniDB client name"},
        {"anidb.client_version", "client_version", SettingType::string,
         "registered client version"},
        {"anidb.local_port", "local_port", SettingType::integer, "local UDP port"},
        {"anidb.timeout_ms", "timeout_ms", SettingType::integer, "reply time-out in milliseconds"},
        {"anidb.retries", "retries", SettingType::integer, "retries after a time-out"},
        {"anidb.give_up_ms", "give_up_ms", SettingType::integer,
         "longest wait for one AniDB answer, retries included, in milliseconds"},
        {"anidb.interval_scale", "interval_scale", SettingType::number,
         "flood interval scale (loopback test servers only)", true},
        {"cache.dir", "cache_dir", SettingType::string, "folder of the cache database"},
        {"cache.enabled", "cache_enabled", SettingType::boolean, "use the cache"},
        {"titles.url", "titles_url", SettingType::string,
         "where `anidb anime search` downloads AniDB's anime-titles dump (http/https)"},
        {"hash.jobs", "jobs", SettingType::integer, "files hashed at once (0: one per core)"},
        {"hash.io_jobs_per_device", "io_jobs_per_device", SettingType::integer,
         "files read at once per disk (0: 1 for rotational, 4 for SSD)"},
        {"hash.include", "include", SettingType::list, "globs of files to take"},
        {"hash.exclude", "exclude", SettingType::list, "globs of files and folders to skip"},
        {"watch.dirs", "watch_dirs", SettingType::list, "folders `anidb watch` watches"},
        {"watch.settle", "watch_settle", SettingType::number,
         "seconds a file must stay unchanged before the watcher takes it"},
        {"watch.then", "watch_then", SettingType::list,
         "what the watcher does with a file: mylist-add, rename"},
        {"watch.state", "watch_state", SettingType::string,
         "MyList state of files the watcher adds (hdd, cd, deleted, remote, unknown)"},
        {"watch.template", "watch_template", SettingType::string,
         "rename template of the watcher"},
        {"watch.dest", "watch_dest", SettingType::string,
         "folder the watcher renames files into (default: the watched folder)"},
        {"watch.scan_interval", "watch_scan_interval", SettingType::number,
         "seconds between scans where inotify cannot be used"},
        {"watch.retry_scale", "watch_retry_scale", SettingType::number,
         "scale of the watcher's retry back-off (tests only)", true},
    };
    return keys;
}

const SettingKey* find_setting_key(std::string_view name) {
    for (const SettingKey& k : setting_keys()) {
        if (k.key == name || k.alias == name) return &k;
    }
    return nullptr;
}

const char* setting_source_name(SettingSource source) {
    switch (source) {
        case SettingSource::file:
            return "config file";
        case SettingSource::environment:
            return "environment";
        case SettingSource::flag:
            return "command line";
    }
    return "?";
}

fs::path default_config_path(const EnvLookup& env) {
    if (const char* v = env("ANIDB_CONFIG"); v != nullptr && *v != '\0') return v;
    if (const char* xdg = env("XDG_CONFIG_HOME"); xdg != nullptr && *xdg == '/') {
        return fs::path(xdg) / "anidb" / "config.toml";
    }
    const char* home = env("HOME");
    return fs::path(home != nullptr ? home : ".") / ".config" / "anidb" / "config.toml";
}

Status check_secret_file_mode(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    if ((st.st_mode & 077) != 0) {
        return make_error(Errc::permission_denied,
                          "refusing to read a password from " + path.string() +
                              ", which other users can read; run: chmod 600 '" + path.string() +
                              "'");
    }
    return {};
}

Result<Settings> Settings::load(const fs::path& config_path, bool must_exist,
                                const EnvLookup& env) {
    Settings s;
    s.config_path_ = config_path;
    std::error_code ec;
    s.config_exists_ = fs::exists(config_path, ec);
    if (!s.config_exists_ && must_exist) {
        return make_error(Errc::file_not_found,
                          "config file " + config_path.string() + " not found");
    }
    if (s.config_exists_) {
        toml::table table;
        try {
            table = toml::parse_file(config_path.string());
        } catch (const toml::parse_error& err) {
            return make_error(Errc::invalid_parameter, "config file " + config_path.string() +
                                                           " line " +
                                                           std::to_string(err.source().begin.line) +
                                                           ": " + std::string(err.description()));
        }
        collect_unknown_keys(table, "", s.warnings_);
        bool holds_secret = false;
        for (const SettingKey& key : setting_keys()) {
            const auto node = table.at_path(key.key);
            if (!node) continue;
            auto value = from_toml(key, *node.node());
            if (!value) return value.error();
            if (key.type == SettingType::secret && !value->value.empty()) holds_secret = true;
            s.values_[std::string(key.key)] = std::move(*value);
        }
        if (holds_secret) {
            if (Status mode = check_secret_file_mode(config_path); !mode) return mode.error();
        }
    }
    for (const SettingKey& key : setting_keys()) {
        if (key.type == SettingType::list) continue;
        const std::string name = env_name_for(key.alias);
        const char* v = env(name.c_str());
        if (v == nullptr || *v == '\0') continue;
        if (Status st = s.put(key, v, SettingSource::environment); !st) {
            return make_error(st.code(), name + ": " + st.error().message);
        }
    }
    return s;
}

Status Settings::put(const SettingKey& key, std::string text, SettingSource source) {
    SettingValue value;
    value.source = source;
    if (key.type == SettingType::list) {
        value.list.push_back(text);
    } else {
        auto normal = normalise_setting_value(key, std::move(text));
        if (!normal) return normal.error();
        value.value = std::move(*normal);
    }
    values_[std::string(key.key)] = std::move(value);
    return {};
}

Status Settings::set_flag(std::string_view name, std::string value) {
    const SettingKey* key = find_setting_key(name);
    if (key == nullptr)
        return make_error(Errc::invalid_parameter, "unknown setting '" + std::string(name) + "'");
    return put(*key, std::move(value), SettingSource::flag);
}

const SettingValue* Settings::get(std::string_view name) const {
    const SettingKey* key = find_setting_key(name);
    if (key == nullptr) return nullptr;
    const auto it = values_.find(key->key);
    return it == values_.end() ? nullptr : &it->second;
}

std::optional<std::string> Settings::string(std::string_view name) const {
    const SettingValue* v = get(name);
    if (v == nullptr) return std::nullopt;
    return v->value;
}

std::vector<std::string> Settings::list(std::string_view name) const {
    const SettingValue* v = get(name);
    return v == nullptr ? std::vector<std::string>{} : v->list;
}

std::optional<long long> Settings::integer(std::string_view name) const {
    const auto text = string(name);
    if (!text) return std::nullopt;
    long long v = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{}) return std::nullopt;
    return v;
}

std::vector<std::pair<std::string, std::string>> Settings::library_options() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const SettingKey& key : setting_keys()) {
        if (!key.key.starts_with("anidb.") && !key.key.starts_with("cache.") &&
            !key.key.starts_with("titles.")) {
            continue;
        }
        if (const SettingValue* v = get(key.key)) out.emplace_back(std::string(key.key), v->value);
    }
    return out;
}

}  // namespace anidb::cli
