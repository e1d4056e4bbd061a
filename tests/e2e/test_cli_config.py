"""anidb config: precedence, 0600 files, the password never printed, refused from readable files."""
import os
import stat

from conftest import clean_env, run


def config_file(tmp_path):
    return tmp_path / "xdg-config" / "anidb" / "config.toml"


def test_init_set_get_list_path(tmp_path, env):
    path = run(["config", "path"], tmp_path, env=env, check_rc=0).stdout.decode().strip()
    assert path == str(config_file(tmp_path))
    run(["config", "init"], tmp_path, env=env, check_rc=0)
    assert run(["config", "init"], tmp_path, env=env).returncode == 2
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    run(["config", "set", "username", "mika"], tmp_path, env=env, check_rc=0)
    run(["config", "set", "server", "example.org:9999"], tmp_path, env=env, check_rc=0)
    run(["config", "set", "jobs", "3"], tmp_path, env=env, check_rc=0)
    run(["config", "set", "exclude", "*sample*,Extras"], tmp_path, env=env, check_rc=0)
    run(["config", "set", "password"], tmp_path, env=env, input=b"hunter2\n", check_rc=0)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert run(["config", "get", "username"], tmp_path, env=env, check_rc=0).stdout == b"mika\n"
    assert run(["config", "get", "anidb.server"], tmp_path, env=env, check_rc=0).stdout == b"example.org:9999\n"
    listing = run(["config", "list"], tmp_path, env=env, check_rc=0).stdout
    got_pw = run(["config", "get", "password"], tmp_path, env=env, check_rc=0).stdout
    status = run(["session", "status"], tmp_path, env=env, check_rc=0).stdout
    for out in [listing, got_pw, status]:
        assert b"hunter2" not in out
    assert b"hash.exclude = *sample*, Extras" in listing
    assert b"example.org:9999" in status and b"password:       (set)" in status
    assert run(["config", "set", "jobs", "many"], tmp_path, env=env).returncode == 2
    assert run(["config", "set", "nokey", "1"], tmp_path, env=env).returncode == 2
    assert run(["config", "get", "client_name"], tmp_path, env=env).returncode == 1  # unset
    run(["config", "unset", "jobs"], tmp_path, env=env, check_rc=0)
    assert run(["config", "get", "jobs"], tmp_path, env=env).returncode == 1


def test_environment_beats_file_and_flags_beat_environment(tmp_path):
    env = clean_env(tmp_path, ANIDB_SERVER="env.example:1000", ANIDB_USERNAME="envuser")
    run(["config", "set", "server", "file.example:2000"], tmp_path, env=env, check_rc=0)
    run(["config", "set", "client_name", "fromfile"], tmp_path, env=env, check_rc=0)
    status = run(["session", "status"], tmp_path, env=env, check_rc=0).stdout
    assert b"env.example:1000" in status and b"envuser" in status and b"fromfile" in status
    status = run(["--server", "flag.example:3000", "session", "status"], tmp_path, env=env, check_rc=0).stdout
    assert b"flag.example:3000" in status
    listing = run(["config", "list"], tmp_path, env=env, check_rc=0).stdout
    assert b"anidb.server = env.example:1000   # environment" in listing
    assert b"anidb.client_name = fromfile   # config file" in listing


def test_password_in_a_readable_file_is_refused_with_exit_2(tmp_path, env):
    run(["config", "set", "password", "hunter2"], tmp_path, env=env, check_rc=0)
    os.chmod(config_file(tmp_path), 0o644)
    proc = run(["session", "status"], tmp_path, env=env)
    assert proc.returncode == 2
    assert b"chmod 600" in proc.stderr and b"hunter2" not in proc.stderr
    os.chmod(config_file(tmp_path), 0o600)
    run(["session", "status"], tmp_path, env=env, check_rc=0)


def test_broken_config_and_explicit_missing_config_exit_2(tmp_path, env):
    os.makedirs(config_file(tmp_path).parent)
    config_file(tmp_path).write_text("[anidb\n")
    assert run(["cache", "stats"], tmp_path, env=env).returncode == 2
    assert run(["--config", str(tmp_path / "none.toml"), "cache", "stats"], tmp_path, env=env).returncode == 2
