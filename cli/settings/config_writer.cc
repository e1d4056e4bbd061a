#include "config_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include <toml++/toml.h>

namespace anidb::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTemplate = R"(# anidb configuration (see `man anidb`, section CONFIGURATION).
# Precedence: this file, then ANIDB_* environment variables, then flags.
# The file holds your AniDB password, so keep it private: chmod 600.

[anidb]
# username = "your-anidb-user"
# password = "set it with: anidb config set password"
# server = "api.anidb.net:9000"
# client_name = "anidbcli"
# client_version = "1"
# local_port = 45678
# timeout_ms = 15000

[cache]
# dir = "/path/to/cache"        # default: $XDG_DATA_HOME/anidb
# enabled = true

[hash]
# jobs = 0                      # files at once; 0 = one per core
# io_jobs_per_device = 0        # 0 = 1 for spinning disks, 4 for SSD/NVMe
# include = ["*.mkv", "*.mp4"]
# exclude = ["*sample*", "Extras/*"]
)";

Status write_private_file(const fs::path& path, const std::string& content) {
    std::error_code ec;
    if (path.has_parent_path()) {
        fs::create_directories(path.parent_path(), ec);
        if (ec)
            return make_error(Errc::io,
                              "cannot create " + path.parent_path().string() + ": " + ec.message());
    }
    const fs::path tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return make_error(Errc::io, "cannot write " + tmp.string() + ": " + std::strerror(errno));
    // O_CREAT's mode is filtered by the umask and ignored for an existing file.
    ::fchmod(fd, 0600);
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            return make_error(Errc::io, "cannot write " + tmp.string() + ": " + why);
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        return make_error(Errc::io, "cannot write " + path.string() + ": " + why);
    }
    return {};
}

Result<toml::table> read_table(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return toml::table{};
    try {
        return toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
        return make_error(Errc::invalid_parameter,
                          "config file " + path.string() + ": " + std::string(e.description()));
    }
}

std::vector<std::string> split_commas(const std::string& value) {
    std::vector<std::string> out;
    std::stringstream in(value);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

std::pair<std::string, std::string> split_key(std::string_view key) {
    const size_t dot = key.find('.');
    return {std::string(key.substr(0, dot)), std::string(key.substr(dot + 1))};
}

}  // namespace

Status write_config_template(const fs::path& path, bool force) {
    std::error_code ec;
    if (fs::exists(path, ec) && !force) {
        return make_error(Errc::busy, path.string() + " exists already (use --force to overwrite)");
    }
    return write_private_file(path, kTemplate);
}

Status write_setting(const fs::path& path, const SettingKey& key, const std::string& value) {
    auto table = read_table(path);
    if (!table) return table.error();
    const auto [section, name] = split_key(key.key);
    toml::table* sub = table->get_as<toml::table>(section);
    if (sub == nullptr) {
        table->insert_or_assign(section, toml::table{});
        sub = table->get_as<toml::table>(section);
    }
    switch (key.type) {
        case SettingType::integer:
            sub->insert_or_assign(name, std::stoll(value));
            break;
        case SettingType::boolean:
            sub->insert_or_assign(name, value == "true");
            break;
        case SettingType::number:
            sub->insert_or_assign(name, std::stod(value));
            break;
        case SettingType::list: {
            toml::array array;
            for (const std::string& item : split_commas(value)) array.push_back(item);
            sub->insert_or_assign(name, std::move(array));
            break;
        }
        default:
            sub->insert_or_assign(name, value);
            break;
    }
    std::ostringstream out;
    out << *table << '\n';
    return write_private_file(path, out.str());
}

Status remove_setting(const fs::path& path, const SettingKey& key) {
    auto table = read_table(path);
    if (!table) return table.error();
    const auto [section, name] = split_key(key.key);
    if (toml::table* sub = table->get_as<toml::table>(section)) sub->erase(name);
    std::ostringstream out;
    out << *table << '\n';
    return write_private_file(path, out.str());
}

}  // namespace anidb::cli
