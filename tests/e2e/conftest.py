"""Shared helpers for the anidb CLI end-to-end tests (run by CTest, label e2e).

ANIDB_CLI points at the built binary, ANIDB_RHASH at rhash, FAKE_ANIDB at
the fake AniDB server program.
"""
import os
import shutil
import signal
import subprocess
import time

import pytest

CLI = os.environ.get("ANIDB_CLI", "anidb")
RHASH = os.environ.get("ANIDB_RHASH") or shutil.which("rhash") or "rhash"
FAKE = os.environ.get("FAKE_ANIDB")


def clean_env(tmp_path, **extra):
    """An environment with private XDG folders and no ANIDB_* leaking in.

    ANIDB_HOST_STATE_DIR gives every test its own host-wide AniDB state (rate
    limit, cool-downs, lock): tests running in parallel on this machine must
    not share one budget.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANIDB_")}
    env["ANIDB_HOST_STATE_DIR"] = str(tmp_path / "anidb-host")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg-config")
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    env["XDG_STATE_HOME"] = str(tmp_path / "xdg-state")
    env["HOME"] = str(tmp_path / "home")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run(args, tmp_path, cwd=None, env=None, input=None, check_rc=None):
    """Runs the CLI; stdout/stderr as bytes (file names may be any bytes)."""
    proc = subprocess.run([CLI] + [os.fsencode(a) if isinstance(a, str) else a for a in args],
                          cwd=cwd, env=env or clean_env(tmp_path), input=input,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=240)
    if check_rc is not None:
        assert proc.returncode == check_rc, (proc.returncode, proc.stdout, proc.stderr)
    return proc


@pytest.fixture
def env(tmp_path):
    return clean_env(tmp_path)


@pytest.fixture
def unreadable_file(tmp_path):
    """A 100,000-byte file the CLI cannot read, and how to run the CLI. As
    root permission bits do not stop reads, so the CLI then runs as nobody."""
    import tempfile
    if os.geteuid() != 0:
        path = tmp_path / "locked.mkv"
        path.write_bytes(os.urandom(100000))
        os.chmod(path, 0)
        yield path, [], clean_env(tmp_path)
        return
    shared = tempfile.mkdtemp(prefix="anidb-e2e-", dir="/tmp")
    os.chmod(shared, 0o777)
    path = os.path.join(shared, "locked.mkv")
    with open(path, "wb") as f:
        f.write(os.urandom(100000))
    os.chmod(path, 0)
    env = clean_env(tmp_path)
    for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "HOME"):
        env[key] = os.path.join(shared, key.lower())
    yield path, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], env
    shutil.rmtree(shared, ignore_errors=True)


EPISODES = [
    # name, fid, eid, epno, title
    ("[NWS] Aozora Kikou - 03 [v2].mkv", 1003, 55503, "03", "The Captain's Map"),
    ("[NWS] Aozora Kikou - 04.mkv", 1004, 55504, "04", "Storm: Part 1/2"),
]


def ed2k_of(path):
    out = subprocess.run([RHASH, "--printf=%{ed2k} %{crc32}", str(path)], stdout=subprocess.PIPE, check=True)
    return out.stdout.decode().split()


class FakeAnidb:
    """The fake AniDB server program on 127.0.0.1 with the EPISODES of `media`
    (and `extra_lines` of catalog text); stop() returns its summary line."""

    def __init__(self, tmp_path, media, extra_args=(), extra_lines=(), file_fields="", episode_fields=""):
        lines = ['anime aid=3131 romaji_name="Aozora Kikou" english_name="Blue Sky Voyage" '
                 'episodes=12 year=2019 type="TV Series"',
                 'group gid=777 name="Northwind Subs" short_name=NWS',
                 'user name=mika pass=secret']
        for name, fid, eid, epno, title in EPISODES:
            ed2k, crc = ed2k_of(media / name)
            size = os.path.getsize(media / name)
            lines.append(f"file fid={fid} aid=3131 eid={eid} gid=777 size={size} ed2k={ed2k} crc32={crc} "
                         "state=1 quality=high source=DVD resolution=848x480 file_type=mkv " + file_fields)
            lines.append(f'episode eid={eid} aid=3131 epno={epno} english="{title}" length=24 ' + episode_fields)
        lines.extend(extra_lines)
        self.catalog = tmp_path / "catalog.txt"
        self.catalog.write_text("\n".join(lines) + "\n")
        self.port_file = tmp_path / "fake.port"
        self.log = tmp_path / "fake.log"
        self.proc = subprocess.Popen([FAKE, "--port", "0", "--port-file", str(self.port_file),
                                      "--catalog", str(self.catalog), "--flood-interval-ms", "10",
                                      "--log", str(self.log), *extra_args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(200):
            if self.port_file.exists():
                break
            time.sleep(0.05)
        self.port = int(self.port_file.read_text())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=30)
        return out.decode()

    def requests(self):
        """The datagrams the server logged (one text line each)."""
        return self.log.read_text(errors="replace").splitlines() if self.log.exists() else []

    def datagrams(self, command):
        return sum(1 for line in self.log.read_text(errors="replace").splitlines() if f" {command} " in line)


@pytest.fixture
def media(tmp_path):
    folder = tmp_path / "media"
    os.makedirs(folder)
    for i, (name, *_rest) in enumerate(EPISODES):
        (folder / name).write_bytes(os.urandom(300000 + i))
    (folder / "[NWS] Aozora Kikou - 03 [v2].ass").write_text("subtitles")
    (folder / "[NWS] Aozora Kikou - 03 [v2].en.srt").write_text("more subtitles")
    (folder / "unknown.mkv").write_bytes(os.urandom(123456))
    return folder


@pytest.fixture
def fake(tmp_path, media):
    server = FakeAnidb(tmp_path, media)
    yield server
    summary = server.stop()
    assert " 0 flood violations" in summary, summary


def anidb_env(tmp_path, fake, **extra):
    settings = dict(ANIDB_SERVER=f"127.0.0.1:{fake.port}", ANIDB_USERNAME="mika", ANIDB_PASSWORD="secret",
                    ANIDB_LOCAL_PORT=0, ANIDB_INTERVAL_SCALE="0.01", ANIDB_CLIENT_NAME="anidbtest",
                    ANIDB_TIMEOUT_MS=2000)
    settings.update(extra)
    return clean_env(tmp_path, **settings)


