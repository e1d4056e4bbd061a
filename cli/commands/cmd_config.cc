// `anidb config init|get|set|unset|list|path`
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "commands.h"
#include "config_writer.h"
#include "exit_codes.h"

namespace anidb::cli {

namespace {

struct ConfigFlags {
    std::string key;
    std::string value;
    bool force = false;
};

std::filesystem::path config_path(const AppContext& ctx) {
    if (!ctx.global.config_path.empty()) return ctx.global.config_path;
    return default_config_path([](const char* n) -> const char* { return std::getenv(n); });
}

std::string shown_value(const SettingKey& key, const SettingValue& v) {
    if (key.type == SettingType::secret) return v.value.empty() ? "(empty)" : "(set, hidden)";
    if (key.type == SettingType::list) {
        std::string out;
        for (const std::string& item : v.list) out += (out.empty() ? "" : ", ") + item;
        return out;
    }
    return v.value;
}

// Reads a secret from stdin, without echo when it is a terminal.
std::optional<std::string> read_secret(const std::string& prompt) {
    const bool tty = ::isatty(STDIN_FILENO) == 1;
    termios old{};
    if (tty) {
        std::cerr << prompt << std::flush;
        ::tcgetattr(STDIN_FILENO, &old);
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    const bool got = static_cast<bool>(std::getline(std::cin, line));
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::cerr << '\n';
    }
    if (!got) return std::nullopt;
    return line;
}

int run_get(const ConfigFlags& flags, AppContext& ctx) {
    const SettingKey* key = find_setting_key(flags.key);
    if (key == nullptr)
        return report_error(make_error(Errc::invalid_parameter,
                                       "unknown key '" + flags.key + "' (see anidb config list)"));
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    const SettingValue* v = settings->get(key->key);
    if (v == nullptr) return kExitSomeFailed;
    std::cout << shown_value(*key, *v) << '\n';
    return kExitOk;
}

int run_set(const ConfigFlags& flags, AppContext& ctx, bool has_value) {
    const SettingKey* key = find_setting_key(flags.key);
    if (key == nullptr)
        return report_error(make_error(Errc::invalid_parameter,
                                       "unknown key '" + flags.key + "' (see anidb config list)"));
    std::string value = flags.value;
    if (!has_value) {
        if (key->type != SettingType::secret) {
            return report_error(
                make_error(Errc::invalid_parameter, "config set " + flags.key + " needs a value"));
        }
        auto secret = read_secret(std::string(key->alias) + ": ");
        if (!secret)
            return report_error(make_error(Errc::invalid_parameter, "no value on standard input"));
        value = *secret;
    }
    if (key->type != SettingType::list) {
        auto normal = normalise_setting_value(*key, value);
        if (!normal) return report_error(normal.error());
        value = *normal;
    }
    if (Status st = write_setting(config_path(ctx), *key, value); !st)
        return report_error(st.error());
    if (!ctx.global.quiet)
        std::cerr << "anidb: " << key->key << " set in " << config_path(ctx).string() << '\n';
    return kExitOk;
}

int run_unset(const ConfigFlags& flags, AppContext& ctx) {
    const SettingKey* key = find_setting_key(flags.key);
    if (key == nullptr)
        return report_error(make_error(Errc::invalid_parameter, "unknown key '" + flags.key + "'"));
    if (Status st = remove_setting(config_path(ctx), *key); !st) return report_error(st.error());
    return kExitOk;
}

int run_list(AppContext& ctx) {
    auto settings = load_settings(ctx.global);
    if (!settings) return report_error(settings.error());
    for (const SettingKey& key : setting_keys()) {
        const SettingValue* v = settings->get(key.key);
        if (key.hidden && v == nullptr) continue;
        std::cout << key.key << " = ";
        if (v == nullptr) {
            std::cout << "(unset)";
        } else {
            std::cout << shown_value(key, *v) << "   # " << setting_source_name(v->source);
        }
        std::cout << '\n';
    }
    return kExitOk;
}

}  // namespace

void add_config_command(CLI::App& app, AppContext& ctx) {
    CLI::App* config = app.add_subcommand("config", "Show or change the configuration file");
    config->require_subcommand(1);
    std::string keys = "Keys (alias in brackets; environment ANIDB_<ALIAS>):\n";
    for (const SettingKey& k : setting_keys()) {
        if (k.hidden) continue;
        keys += "  " + std::string(k.key) + " [" + std::string(k.alias) + "]  " +
                std::string(k.description) + "\n";
    }
    config->footer(
        keys +
        "\nThe file is written with mode 0600; a password in a file others can read is refused.");
    auto flags = std::make_shared<ConfigFlags>();

    CLI::App* init = config->add_subcommand("init", "Write a commented starter config file");
    init->add_flag("--force", flags->force, "Overwrite an existing file");
    init->callback([flags, &ctx] {
        if (Status st = write_config_template(config_path(ctx), flags->force); !st) {
            ctx.exit_code = report_error(make_error(Errc::invalid_parameter, st.error().message));
            return;
        }
        std::cout << config_path(ctx).string() << '\n';
        ctx.exit_code = kExitOk;
    });

    CLI::App* get = config->add_subcommand(
        "get", "Print the effective value of KEY (secrets: only whether set)");
    get->add_option("key", flags->key, "Setting key or alias")->required();
    get->callback([flags, &ctx] { ctx.exit_code = run_get(*flags, ctx); });

    CLI::App* set = config->add_subcommand(
        "set", "Set KEY in the config file (password: read from stdin if VALUE is left out)");
    set->add_option("key", flags->key, "Setting key or alias")->required();
    CLI::Option* value =
        set->add_option("value", flags->value, "New value (lists: comma-separated)");
    set->callback(
        [flags, &ctx, value] { ctx.exit_code = run_set(*flags, ctx, value->count() > 0); });

    CLI::App* unset = config->add_subcommand("unset", "Remove KEY from the config file");
    unset->add_option("key", flags->key, "Setting key or alias")->required();
    unset->callback([flags, &ctx] { ctx.exit_code = run_unset(*flags, ctx); });

    config->add_subcommand("list", "Print every setting, its value and where it came from")
        ->callback([&ctx] { ctx.exit_code = run_list(ctx); });
    config->add_subcommand("path", "Print the config file's path")->callback([&ctx] {
        std::cout << config_path(ctx).string() << '\n';
        ctx.exit_code = kExitOk;
    });
}

}  // namespace anidb::cli
