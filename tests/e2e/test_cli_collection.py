"""`anidb mylist show/remove/watched`, `anidb queue`, `anidb anime/episode/group
show` and `anidb anime search` end to end: the fake AniDB server and a real
HTTP server on 127.0.0.1 serving a small gzip titles dump (issue 16)."""
import gzip
import os
import subprocess
import sys
import time

import pytest

from conftest import EPISODES, FakeAnidb, anidb_env, clean_env, run

HERE = os.path.dirname(os.path.abspath(__file__))
HTTP_SERVER = os.path.join(HERE, "..", "support", "http", "local_http_server.py")

EP3 = EPISODES[0][0]
EP4 = EPISODES[1][0]


def mylist_datagrams(fake):
    return [line for line in fake.requests() if " MYLIST" in line]


def test_repeated_watched_sends_no_packet(tmp_path, media, fake):
    env = anidb_env(tmp_path, fake)
    first = run(["mylist", "watched", str(media / EP3)], tmp_path, env=env, check_rc=0)
    assert b"added, watched (lid " in first.stdout, first
    before = len(fake.requests())
    again = run(["mylist", "watched", str(media / EP3)], tmp_path, env=env, check_rc=0)
    assert b"already watched (nothing sent)" in again.stdout, again
    assert len(fake.requests()) == before  # 0 packets: no AUTH, no FILE, no MYLIST
    shown = run(["mylist", "show", str(media / EP3)], tmp_path, env=env, check_rc=0)
    assert b"in MyList (lid " in shown.stdout and b"watched 20" in shown.stdout, shown
    unwatched = run(["mylist", "watched", "--unwatched", str(media / EP3)], tmp_path, env=env, check_rc=0)
    assert b"marked unwatched" in unwatched.stdout
    removed = run(["mylist", "remove", str(media / EP3), str(media / EP4)], tmp_path, env=env, check_rc=0)
    lines = removed.stdout.decode().splitlines()
    assert "removed (lid" in lines[0] and "not in MyList" in lines[1], lines


def test_mylist_add_is_seen_by_show_and_remove(tmp_path, media, fake):
    """`mylist add` and `mylist show/remove` share one local MyList state."""
    env = anidb_env(tmp_path, fake)
    added = run(["mylist", "add", "--state", "hdd", "--storage", "shelf 2", str(media / EP3)], tmp_path, env=env,
                check_rc=0)
    assert b": added (lid " in added.stdout, added
    shown = run(["mylist", "show", str(media / EP3)], tmp_path, env=env, check_rc=0)
    assert b"in MyList (lid " in shown.stdout and b"shelf 2" in shown.stdout, shown
    assert fake.datagrams("MYLIST") == 0  # answered from the local state
    removed = run(["mylist", "remove", str(media / EP3)], tmp_path, env=env, check_rc=0)
    assert b"removed (lid" in removed.stdout, removed
    assert fake.datagrams("MYLISTDEL") == 1
    shown = run(["mylist", "show", str(media / EP3)], tmp_path, env=env, check_rc=0)
    assert b"not in MyList" in shown.stdout, shown
    assert fake.datagrams("MYLIST") == 0


def test_work_without_credentials_waits_in_the_queue(tmp_path, media, fake):
    env = anidb_env(tmp_path, fake)
    del env["ANIDB_PASSWORD"]
    queued = run(["mylist", "watched", "--date", "2024-05-01", str(media / EP4)], tmp_path, env=env, check_rc=0)
    assert b"queued (job 1: no credentials" in queued.stdout, queued
    assert fake.requests() == []
    listing = run(["queue"], tmp_path, env=env, check_rc=0).stdout.decode()
    assert "#1  mark watched (2024-05-01 00:00)" in listing and "1 jobs: 1 due, 0 failed" in listing, listing
    # A later run with credentials sends it.
    env = anidb_env(tmp_path, fake)
    ran = run(["queue", "run"], tmp_path, env=env, check_rc=0)
    assert b"#1  mark watched" in ran.stdout and b"done" in ran.stdout, ran
    assert "0 jobs" in run(["queue"], tmp_path, env=env, check_rc=0).stdout.decode()
    shown = run(["mylist", "show", str(media / EP4)], tmp_path, env=env, check_rc=0)
    assert b"watched 2024-05-01" in shown.stdout, shown


def test_queue_clear(tmp_path, media, fake):
    env = anidb_env(tmp_path, fake)
    del env["ANIDB_PASSWORD"]
    run(["mylist", "remove", str(media / EP3)], tmp_path, env=env, check_rc=0)
    assert run(["queue", "clear"], tmp_path, env=env, check_rc=0).stdout == b"1 job dropped\n"
    assert run(["queue", "clear", "--failed"], tmp_path, env=env, check_rc=0).stdout == b"0 jobs dropped\n"


def test_metadata_show_is_escaped_and_cached(tmp_path, media):
    evil = 'anime aid=4242 romaji_name="Evil\x1b]0;pwned\x07Title" english_name="Ok" episodes=1 ' \
           'year=2001 type=Movie dateflags=16 end_date=1000000000'
    server = FakeAnidb(tmp_path, media, extra_lines=[evil])
    try:
        env = anidb_env(tmp_path, server)
        out = run(["anime", "show", "4242"], tmp_path, env=env, check_rc=0)
        assert b"\x1b" not in out.stdout and b"\\x1b]0;pwned\\x07Title" in out.stdout, out.stdout
        assert b"source: AniDB" in out.stdout
        before = len(server.requests())
        again = run(["anime", "show", "4242"], tmp_path, env=env, check_rc=0)
        assert b"source: cache" in again.stdout
        assert len(server.requests()) == before
        ep = run(["episode", "show", "3131", "4"], tmp_path, env=env, check_rc=0)
        assert b"title: Storm: Part 1/2" in ep.stdout, ep
        grp = run(["group", "show", "NWS"], tmp_path, env=env, check_rc=0)
        assert b"name: Northwind Subs" in grp.stdout, grp
        missing = run(["anime", "show", "999999"], tmp_path, env=env)
        assert missing.returncode == 1 and b"AniDB has no anime 999999" in missing.stderr, missing
    finally:
        assert " 0 flood violations" in server.stop()


@pytest.fixture
def titles_server(tmp_path):
    web = tmp_path / "web"
    web.mkdir()
    dump = ("# created: Tue Nov 14 02:00:01 2023\n"
            "23|1|x-jat|Cowboy Bebop\n"
            "23|4|ja|カウボーイビバップ\n"
            "230|1|x-jat|Pocket Monsters\n"
            "230|4|en|Pokémon\n"
            "4563|1|x-jat|Cowboy Bebop: Tengoku no Tobira\n"
            "4563|4|en|Cowboy Bebop: The Movie\n"
            "666|1|x-jat|Red Garden\n")
    (web / "titles.dat.gz").write_bytes(gzip.compress(dump.encode()))
    proc = subprocess.Popen([sys.executable, HTTP_SERVER, "--root", str(web)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    port = int(proc.stdout.readline().split()[1])
    yield f"http://127.0.0.1:{port}/files/titles.dat.gz", web
    proc.stdin.close()
    proc.wait(timeout=30)


def test_anime_search_downloads_once_and_ranks(tmp_path, titles_server):
    url, web = titles_server
    env = clean_env(tmp_path, ANIDB_TITLES_URL=url)
    out = run(["anime", "search", "pokemon"], tmp_path, env=env, check_rc=0)
    assert out.stdout.decode().splitlines()[0] == "230\tPocket Monsters\tPokémon\tofficial\ten", out
    assert b"downloaded" in out.stderr
    out = run(["anime", "search", "cowboy", "bebop", "--lang", "x-jat"], tmp_path, env=env, check_rc=0)
    assert out.stdout.decode().splitlines()[0].startswith("23\tCowboy Bebop\t"), out
    # Titles are downloaded at most once a day.
    run(["anime", "titles", "--update", "--force"], tmp_path, env=env, check_rc=0)
    requests = (web / "requests.log").read_text().splitlines()
    assert len(requests) == 1, requests
    out = run(["anime", "search", "red", "--offline"], tmp_path, env=env, check_rc=0)
    assert out.stdout == "666\tRed Garden\tRed Garden\tmain\tx-jat\n".encode(), out.stdout
    none = run(["anime", "search", "zzzz"], tmp_path, env=env)
    assert none.returncode == 1 and none.stdout == b""
