"""identify, mylist add (twice), rename (dry run, real run, undo log) and the
AniDB exit codes, against the fake AniDB server (tests/support/fake_anidb)."""
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import CLI, EPISODES, FAKE, FakeAnidb, anidb_env, clean_env, ed2k_of, run
from conftest import unreadable_file  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(not FAKE, reason="fake-anidb not built")

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
    assert not out.exists()  # the folders the rename created are gone again

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


def test_identify_no_cache_and_refresh_ask_anidb_again(tmp_path, media, fake):
    env = anidb_env(tmp_path, fake)
    one = str(media / EPISODES[0][0])
    run(["identify", one], tmp_path, env=env, check_rc=0)
    asked = fake.datagrams("FILE")
    cached = run(["identify", "-f", "json", one], tmp_path, env=env, check_rc=0)
    assert json.loads(cached.stdout)[0]["source"] == "cache" and fake.datagrams("FILE") == asked
    # --no-cache: neither the hash nor the answer comes from the cache.
    fresh = run(["identify", "-f", "json", "--no-cache", one], tmp_path, env=env, check_rc=0)
    assert json.loads(fresh.stdout)[0]["source"] == "anidb"
    assert fake.datagrams("FILE") == asked + 1
    # --refresh: asks again and stores the new answer for the next run.
    refreshed = run(["identify", "-f", "json", "--refresh", one], tmp_path, env=env, check_rc=0)
    assert json.loads(refreshed.stdout)[0]["source"] == "anidb"
    assert fake.datagrams("FILE") == asked + 2
    again = run(["identify", "-f", "json", one], tmp_path, env=env, check_rc=0)
    assert json.loads(again.stdout)[0]["source"] == "cache" and fake.datagrams("FILE") == asked + 2


def test_identify_json_and_text_carry_every_title_and_file_fact(tmp_path, media):
    kanji_file = media / "[KG] Kanji Only - 01.mkv"
    kanji_file.write_bytes(os.urandom(200001))
    ed2k, crc = ed2k_of(kanji_file)
    extra = ['anime aid=5000 kanji_name="青空の旅" year=2020 type=Movie',
             'group gid=888 name="Kanji Group" short_name=KG',
             'episode eid=66001 aid=5000 epno=1 length=90',
             f"file fid=2001 aid=5000 eid=66001 gid=888 size=200001 ed2k={ed2k} crc32={crc} state=0"]
    server = FakeAnidb(tmp_path, media, extra_lines=extra,
                       file_fields="md5=0123456789abcdef0123456789abcdef video_codec=H264/AVC "
                                   "dub_languages=japanese'english sub_languages=english aired=1300000000",
                       episode_fields='romaji="Senchou no Chizu" kanji="船長の地図"')
    try:
        env = anidb_env(tmp_path, server)
        text = run(["identify", str(kanji_file)], tmp_path, env=env, check_rc=0)
        assert "青空の旅 - 1".encode() in text.stdout and b":  - " not in text.stdout, text.stdout
        proc = run(["identify", "-f", "json", str(media / EPISODES[0][0]), str(kanji_file)], tmp_path, env=env,
                   check_rc=0)
        known, kanji = json.loads(proc.stdout)
        assert known["anime_title"] == "Aozora Kikou" and known["anime_title_english"] == "Blue Sky Voyage"
        assert known["group_short_name"] == "NWS" and known["crc32"] == ed2k_of(media / EPISODES[0][0])[1]
        assert (known["resolution"], known["quality"], known["file_source"]) == ("848x480", "high", "DVD")
        assert known["episode_title_romaji"] == "Senchou no Chizu" and known["audio_languages"] == "japanese,english"
        assert known["aired"] == "2011-03-13"
        assert kanji["anime_title"] == "青空の旅" and kanji["anime_title_kanji"] == "青空の旅"
        assert kanji["anime_title_romaji"] == "" and kanji["group_short_name"] == "KG"
        csv_out = run(["identify", "-f", "csv", str(kanji_file)], tmp_path, env=env, check_rc=0).stdout.decode()
        header, row = csv_out.splitlines()[:2]
        assert "anime_title_kanji" in header and "青空の旅" in row
    finally:
        server.stop()


def test_session_status_shows_the_live_session_and_a_ban(tmp_path, media, fake):
    env = anidb_env(tmp_path, fake)
    before = run(["session", "status"], tmp_path, env=env, check_rc=0).stdout
    assert b"session:" in before and b"none" in before, before
    run(["identify", str(media / EPISODES[0][0])], tmp_path, env=env, check_rc=0)
    live = run(["session", "status"], tmp_path, env=env, check_rc=0).stdout
    assert b"live" in live and b"last used" in live, live
    run(["session", "logout"], tmp_path, env=env, check_rc=0)
    assert b"none" in run(["session", "status"], tmp_path, env=env, check_rc=0).stdout


def test_session_status_shows_an_active_ban_and_its_end(tmp_path, media):
    server = FakeAnidb(tmp_path, media, extra_args=("--fail-next", "555:1"))
    try:
        env = anidb_env(tmp_path, server)
        proc = run(["identify", str(media / EPISODES[0][0])], tmp_path, env=env)
        assert proc.returncode == 3, proc.stderr
        status = run(["session", "status"], tmp_path, env=env, check_rc=0).stdout
        assert b"banned until " in status, status
    finally:
        server.stop()


def test_mylist_watched_flag_before_file_names(tmp_path, media, fake):
    env = anidb_env(tmp_path, fake)
    names = [name for name, *_ in EPISODES]
    proc = run(["mylist", "add", "--state", "hdd", "--watched", *names], tmp_path, cwd=media, env=env)
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert proc.stdout.count(b": added") == 2
    assert fake.datagrams("MYLISTADD") == 2
    dated = run(["mylist", "add", "--watched=2024-05-01", names[0]], tmp_path, cwd=media, env=env, check_rc=0)
    assert b"updated" in dated.stdout or b"already" in dated.stdout


def test_identify_reports_the_size_of_a_file_it_cannot_hash(tmp_path, fake, unreadable_file):
    path, prefix, env = unreadable_file
    env.update({k: v for k, v in anidb_env(tmp_path, fake).items() if k.startswith("ANIDB_")})
    proc = subprocess.run(prefix + [CLI, "identify", "-f", "json", str(path)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env)
    assert proc.returncode == 1, proc.stderr
    obj = json.loads(proc.stdout)[0]
    assert obj["size"] == 100000 and "error" in obj, obj
