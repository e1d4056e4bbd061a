// The CLI's settings: defaults, then the TOML config file
// ($XDG_CONFIG_HOME/anidb/config.toml or --config), then ANIDB_* environment
// variables, then command-line flags; a later source wins key by key.
//
// Keys are dotted TOML paths ("anidb.username", "cache.dir", "hash.jobs");
// each has a short alias ("username", "cache_dir") used by `config get/set`
// and for the environment variable (ANIDB_ + alias in capitals).
// anidb.*, cache.* and titles.* keys are library options applied with
// ClientConfig::set_option; hash.* keys steer the CLI itself.
//
// Secrets (anidb.password, anidb.api_key) are never printed, and are refused
// from a config file that group or others may read (mode & 077).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace anidb::cli {

enum class SettingType { string, secret, integer, boolean, number, list };
enum class SettingSource { file, environment, flag };

struct SettingKey {
    std::string_view key;    // "anidb.username"
    std::string_view alias;  // "username" (env: ANIDB_USERNAME)
    SettingType type;
    std::string_view description;
    bool hidden = false;  // test knobs, not in `config list`
};

// Every key the CLI knows, in documentation order.
const std::vector<SettingKey>& setting_keys();
// By key or alias; nullptr when unknown.
const SettingKey* find_setting_key(std::string_view name);

struct SettingValue {
    std::string value;              // scalars as text; lists joined by '\n'
    std::vector<std::string> list;  // for SettingType::list
    SettingSource source = SettingSource::file;
};

using EnvLookup = std::function<const char*(const char*)>;

// The config file location: $ANIDB_CONFIG, else $XDG_CONFIG_HOME/anidb/
// config.toml, else ~/.config/anidb/config.toml.
std::filesystem::path default_config_path(const EnvLookup& env);

class Settings {
  public:
    // Reads the file (a missing file is fine unless `must_exist`), then the
    // environment. Errors (Errc::invalid_parameter / permission_denied):
    // unparsable TOML, a value of the wrong type, a secret in a file others
    // can read.
    static Result<Settings> load(const std::filesystem::path& config_path, bool must_exist,
                                 const EnvLookup& env);

    // A command-line flag (highest precedence); `name` is a key or alias.
    Status set_flag(std::string_view name, std::string value);

    const std::filesystem::path& config_path() const { return config_path_; }
    const std::vector<std::string>& warnings() const { return warnings_; }

    const SettingValue* get(std::string_view name) const;
    std::optional<std::string> string(std::string_view name) const;
    std::vector<std::string> list(std::string_view name) const;
    std::optional<long long> integer(std::string_view name) const;

    // The anidb.*, cache.* and titles.* values as (key, value) pairs for
    // ClientConfig::set_option, in precedence order.
    std::vector<std::pair<std::string, std::string>> library_options() const;

  private:
    Status put(const SettingKey& key, std::string text, SettingSource source);

    std::filesystem::path config_path_;
    bool config_exists_ = false;
    std::map<std::string, SettingValue, std::less<>> values_;
    std::vector<std::string> warnings_;
};

// Validates a textual value for `key` ("yes" -> "true" for booleans);
// Errc::invalid_parameter with a message for a bad one.
Result<std::string> normalise_setting_value(const SettingKey& key, std::string text);

// Checks a secret-holding file's permission bits; the error says to chmod 600.
Status check_secret_file_mode(const std::filesystem::path& path);

const char* setting_source_name(SettingSource source);

}  // namespace anidb::cli
