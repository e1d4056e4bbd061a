#include <gtest/gtest.h>

#include <sys/stat.h>

#include <map>

#include "config_writer.h"
#include "settings.h"
#include "support/temp_dir.h"

namespace anidb::cli {
namespace {

namespace fs = std::filesystem;

EnvLookup env_of(const std::map<std::string, std::string>& vars) {
    return [vars](const char* name) -> const char* {
        const auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
}

TEST(CliSettings, FileThenEnvironmentThenFlags) {
    test::TempDir dir;
    const fs::path config =
        dir.write_bytes("config.toml",
                        "[anidb]\nusername = \"file-user\"\nserver = \"file:1\"\n"
                        "client_name = \"fromfile\"\n[hash]\nexclude = [\"*sample*\"]\n"
                        "jobs = 3\n");
    auto s = Settings::load(config, true,
                            env_of({{"ANIDB_USERNAME", "env-user"}, {"ANIDB_SERVER", "env:2"}}));
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_TRUE(s->set_flag("server", "flag:3").ok());
    EXPECT_EQ(s->string("username"), "env-user");
    EXPECT_EQ(s->get("username")->source, SettingSource::environment);
    EXPECT_EQ(s->string("anidb.server"), "flag:3");
    EXPECT_EQ(s->string("client_name"), "fromfile");
    EXPECT_EQ(s->integer("jobs"), 3);
    EXPECT_EQ(s->list("exclude"), std::vector<std::string>{"*sample*"});
    const auto options = s->library_options();
    EXPECT_NE(std::find(options.begin(), options.end(),
                        std::pair<std::string, std::string>{"anidb.server", "flag:3"}),
              options.end());
}

TEST(CliSettings, PasswordInAReadableFileIsRefused) {
    test::TempDir dir;
    const fs::path config = dir.write_bytes("config.toml", "[anidb]\npassword = \"secret\"\n");
    ::chmod(config.c_str(), 0644);
    auto refused = Settings::load(config, true, env_of({}));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.code(), Errc::permission_denied);
    EXPECT_NE(refused.error().message.find("chmod 600"), std::string::npos);
    EXPECT_EQ(refused.error().message.find("secret"), std::string::npos);
    ::chmod(config.c_str(), 0600);
    EXPECT_TRUE(Settings::load(config, true, env_of({})).ok());
}

TEST(CliSettings, BadValuesAndTomlAreErrors) {
    test::TempDir dir;
    EXPECT_FALSE(Settings::load(dir.write_bytes("a.toml", "[anidb\n"), true, env_of({})).ok());
    EXPECT_FALSE(
        Settings::load(dir.write_bytes("b.toml", "[hash]\njobs = \"many\"\n"), true, env_of({}))
            .ok());
    EXPECT_FALSE(Settings::load(dir / "none.toml", true, env_of({})).ok());
    EXPECT_TRUE(Settings::load(dir / "none.toml", false, env_of({})).ok());
    EXPECT_FALSE(
        Settings::load(dir / "none.toml", false, env_of({{"ANIDB_LOCAL_PORT", "x"}})).ok());
    auto warn = Settings::load(dir.write_bytes("c.toml", "[anidb]\nusernme = \"typo\"\n"), true,
                               env_of({}));
    ASSERT_TRUE(warn.ok());
    ASSERT_EQ(warn->warnings().size(), 1u);
}

TEST(CliSettings, DefaultPathFollowsXdg) {
    EXPECT_EQ(default_config_path(env_of({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}})),
              "/x/anidb/config.toml");
    EXPECT_EQ(default_config_path(env_of({{"HOME", "/h"}})), "/h/.config/anidb/config.toml");
    EXPECT_EQ(default_config_path(env_of({{"ANIDB_CONFIG", "/c.toml"}})), "/c.toml");
}

TEST(CliConfigWriter, SetWritesMode600AndTypedValues) {
    test::TempDir dir;
    const fs::path config = dir / "sub/config.toml";
    ASSERT_TRUE(write_config_template(config, false).ok());
    EXPECT_EQ(write_config_template(config, false).code(), Errc::busy);
    ASSERT_TRUE(write_setting(config, *find_setting_key("password"), "pw").ok());
    ASSERT_TRUE(write_setting(config, *find_setting_key("jobs"), "2").ok());
    ASSERT_TRUE(write_setting(config, *find_setting_key("exclude"), "*.txt,Extras").ok());
    struct stat st {};
    ASSERT_EQ(::stat(config.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto s = Settings::load(config, true, env_of({}));
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->string("password"), "pw");
    EXPECT_EQ(s->integer("jobs"), 2);
    EXPECT_EQ(s->list("exclude"), (std::vector<std::string>{"*.txt", "Extras"}));
    ASSERT_TRUE(remove_setting(config, *find_setting_key("password")).ok());
    EXPECT_FALSE(Settings::load(config, true, env_of({}))->string("password").has_value());
}

}  // namespace
}  // namespace anidb::cli
