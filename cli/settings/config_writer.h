// Writing the TOML config file for `config init` and `config set`. The file
// is replaced atomically (temporary file + rename) and always created with
// mode 0600, since it may hold the AniDB password. Comments in an existing
// file are not preserved by `config set` (toml++ re-serialises the table).
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"
#include "settings.h"

namespace anidb::cli {

// Writes a commented starter file; Errc::busy when it exists and !force.
Status write_config_template(const std::filesystem::path& path, bool force);

// Sets one key (typed according to `key`; lists take comma-separated globs).
Status write_setting(const std::filesystem::path& path, const SettingKey& key,
                     const std::string& value);

// Removes one key; OK when it was not set.
Status remove_setting(const std::filesystem::path& path, const SettingKey& key);

}  // namespace anidb::cli
