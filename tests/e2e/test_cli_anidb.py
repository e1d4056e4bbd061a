"""identify, mylist add (twice), rename (dry run, real run, undo log) and the
AniDB exit codes, against the fake AniDB server (tests/support/fake_anidb)."""
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import RHASH, clean_env, run

FAKE = os.environ.get("FAKE_ANIDB")
pytestmark = pytest.mark.skipif(not FAKE, reason="fake-anidb not built")

EPISODES = [
    # name, fid, eid, epno, title
    ("[NWS] Aozora Kikou - 03 [v2].mkv", 1003, 55503, "03", "The Captain's Map"),
    ("[NWS] Aozora Kikou - 04.mkv", 1004, 55504, "04", "Storm: Part 1/2"),
]


def ed2k_of(path):
    out = subprocess.run([RHASH, "--printf=%{ed2k} %{crc32}", str(path)], stdout=subprocess.PIPE, check=True)
    return out.stdout.decode().split()


class FakeAnidb:
    def __init__(self, tmp_path, media, extra_args=()):
        lines = ['anime aid=3131 romaji_name="Aozora Kikou" english_name="Blue Sky Voyage" '
                 'episodes=12 year=2019 type="TV Series"',
                 'group gid=777 name="Northwind Subs" short_name=NWS',
                 'user name=mika pass=secret']
        for name, fid, eid, epno, title in EPISODES:
            ed2k, crc = ed2k_of(media / name)
            size = os.path.getsize(media / name)
            lines.append(f"file fid={fid} aid=3131 eid={eid} gid=777 size={size} ed2k={ed2k} crc32={crc} "
                         "state=1 quality=high source=DVD resolution=848x480 file_type=mkv")
            lines.append(f'episode eid={eid} aid=3131 epno={epno} english="{title}" length=24')
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


def test_identify_reports_known_and_unknown_files_and_caches_answers(tmp_path, media, fake):
    env = anidb_env(tmp_path, fake)
    first = run(["identify", "-r", "-f", "json", str(media)], tmp_path, env=env)
    assert first.returncode == 1, first.stderr  # unknown.mkv is not identified
    objects = {os.path.basename(o["path"]): o for o in json.loads(first.stdout)}
    known = objects[EPISODES[0][0]]
    assert known["file_id"] == 1003 and known["anime_id"] == 3131 and known["episode_id"] == 55503
    assert known["group_id"] == 777 and known["anime_title"] == "Aozora Kikou"
    assert known["anime_title_english"] == "Blue Sky Voyage" and known["episode_number"] == "03"
    assert known["episode_title"] == "The Captain's Map" and known["group_name"] == "Northwind Subs"
    assert known["source"] == "anidb" and known["ed2k"] == ed2k_of(media / EPISODES[0][0])[0]
    assert "error" in objects["unknown.mkv"] and "file_id" not in objects["unknown.mkv"]

    asked = fake.datagrams("FILE")
    second = run(["identify", "-r", "-f", "jsonl", str(media)], tmp_path, env=env)
    assert second.returncode == 1
    again = [json.loads(l) for l in second.stdout.splitlines()]
    assert {o.get("source") for o in again if "file_id" in o} == {"cache"}
    assert fake.datagrams("FILE") == asked  # known answers and the unknown back-off both cached

    text = run(["identify", str(media / EPISODES[1][0]), str(media / "unknown.mkv")], tmp_path, env=env)
    assert b"Aozora Kikou - 04 - Storm: Part 1/2 [Northwind Subs]" in text.stdout
    assert b"unknown.mkv: NOT IDENTIFIED" in text.stdout


def test_mylist_add_is_idempotent_and_updates_on_request(tmp_path, media, fake):
    env = anidb_env(tmp_path, fake)
    files = [str(media / name) for name, *_ in EPISODES]
    first = run(["mylist", "add", "--state", "hdd", *files], tmp_path, env=env, check_rc=0)
    assert first.stdout.count(b": added (lid ") == 2, first.stdout
    sent = fake.datagrams("MYLISTADD")
    second = run(["mylist", "add", "--state", "hdd", *files], tmp_path, env=env, check_rc=0)
    assert second.stdout.count(b": already in MyList") == 2, second.stdout
    assert fake.datagrams("MYLISTADD") == sent  # nothing sent for an unchanged entry
    third = run(["mylist", "add", "--state", "hdd", "--watched=2024-05-01", files[0]], tmp_path, env=env,
                check_rc=0)
    assert b": updated" in third.stdout, third.stdout
    # A fresh cache (another machine): AniDB says "already in MyList", still no error.
    env2 = dict(env, XDG_DATA_HOME=str(tmp_path / "other-data"))
    fourth = run(["mylist", "add", "--state", "hdd", files[1]], tmp_path, env=env2, check_rc=0)
    assert b"already in MyList" in fourth.stdout or b"updated" in fourth.stdout
    unknown = run(["mylist", "add", str(media / "unknown.mkv")], tmp_path, env=env)
    assert unknown.returncode == 1 and b"FAILED" in unknown.stdout
    assert run(["mylist", "add", "--watched=yesterday-ish", files[0]], tmp_path, env=env).returncode == 2


def test_rename_dry_run_real_run_related_files_and_undo(tmp_path, media, fake):
    env = anidb_env(tmp_path, fake)
    template = "{anime_english}/{anime} - {episode}{version?} - {episode_title} [{group_short}][{crc32}]"
    before = sorted(os.listdir(media))
    dry = run(["rename", "-r", "--dry-run", "--related", "--template", template, str(media)], tmp_path, env=env)
    assert dry.returncode == 1  # unknown.mkv is not identified, so not renamed
    assert sorted(os.listdir(media)) == before
    crc = ed2k_of(media / EPISODES[0][0])[1].upper()
    target = f"Blue Sky Voyage/Aozora Kikou - 03v2 - The Captain's Map [NWS][{crc}]"
    assert f"-> {media}/{target}.mkv".encode() in dry.stdout
    assert f"-> {media}/{target}.ass".encode() in dry.stdout
    assert f"-> {media}/{target}.en.srt".encode() in dry.stdout
    assert b"unknown.mkv: NOT RENAMED" in dry.stdout
    assert b"Storm_ Part 1_2" in dry.stdout  # ':' and '/' in a title replaced

    undo = tmp_path / "undo.sh"
    out = tmp_path / "library"
    real = run(["rename", "-r", "--related", "--move-to", str(out), "--undo-log", str(undo),
                "--template", template, str(media)], tmp_path, env=env)
    assert real.returncode == 1
    assert (out / f"{target}.mkv").exists() and (out / f"{target}.ass").exists()
    assert (out / f"{target}.en.srt").exists()
    assert sorted(os.listdir(media)) == ["unknown.mkv"]
    assert undo.read_text().count("mv -n -- ") == 4  # two videos, two subtitles

    subprocess.run(["sh", str(undo)], check=True)
    assert sorted(os.listdir(media)) == before

    # A required tag that is empty (no kanji title in the catalog): nothing renamed.
    one = str(media / EPISODES[0][0])
    empty = run(["rename", "--template", "{anime_kanji} - {episode}", one], tmp_path, env=env)
    assert empty.returncode == 1 and b"anime_kanji" in empty.stdout and os.path.exists(one)
    fallback = run(["rename", "-n", "--template", "{anime_kanji|anime} - {episode}", one], tmp_path, env=env,
                   check_rc=0)
    assert b"-> " + str(media).encode() + b"/Aozora Kikou - 03.mkv" in fallback.stdout
    bad = run(["rename", "--template", "{nonsense}", str(media / EPISODES[0][0])], tmp_path, env=env)
    assert bad.returncode == 2 and b"nonsense" in bad.stderr


def test_wrong_password_exits_3(tmp_path, media, fake):
    env = anidb_env(tmp_path, fake, ANIDB_PASSWORD="Zq9-pw-xyzzy")
    proc = run(["identify", str(media / EPISODES[0][0])], tmp_path, env=env)
    assert proc.returncode == 3, (proc.stdout, proc.stderr)
    assert b"Zq9-pw-xyzzy" not in proc.stdout + proc.stderr


def test_no_server_exits_4(tmp_path, media):
    import socket
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]  # bound but never answering
    env = clean_env(tmp_path, ANIDB_SERVER=f"127.0.0.1:{port}", ANIDB_USERNAME="mika", ANIDB_PASSWORD="secret",
                    ANIDB_LOCAL_PORT=0, ANIDB_INTERVAL_SCALE="0.01", ANIDB_TIMEOUT_MS=200, ANIDB_RETRIES=0)
    proc = run(["identify", str(media / EPISODES[0][0])], tmp_path, env=env)
    s.close()
    assert proc.returncode == 4, (proc.stdout, proc.stderr)


def test_ctrl_c_stops_cleanly_with_130(tmp_path, media):
    server = FakeAnidb(tmp_path, media, extra_args=("--delay-ms", "3000"))
    try:
        env = anidb_env(tmp_path, server, ANIDB_TIMEOUT_MS=20000)
        proc = subprocess.Popen([os.environ["ANIDB_CLI"], "identify", "-r", str(media)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, (out, err)
        assert b"interrupted" in err
    finally:
        server.stop()
