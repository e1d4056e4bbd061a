"""MyList both ways, metadata, title search and the work queue against the fake
AniDB server and a local HTTP server on 127.0.0.1 (issue 16). The leak check
of conftest.py runs after every test."""

from __future__ import annotations

import gzip
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

import anidb

FAKE = os.environ.get("ANIDB_FAKE_ANIDB", "")
HTTP_SERVER = Path(__file__).resolve().parents[3] / "tests" / "support" / "http" / "local_http_server.py"

needs_fake = pytest.mark.skipif(
    not FAKE or not os.access(FAKE, os.X_OK),
    reason="the fake-anidb server is not built (set ANIDB_FAKE_ANIDB to its path)")


@pytest.fixture
def episode(tmp_path: Path) -> Path:
    path = tmp_path / "[NWS] Aozora Kikou - 03.mkv"
    path.write_bytes(random.Random(42).randbytes(300_000))
    return path


@pytest.fixture
def server(tmp_path: Path, episode: Path):
    ed2k = anidb.hash_bytes(episode.read_bytes(), "ed2k")
    size = episode.stat().st_size
    catalog = tmp_path / "catalog.txt"
    catalog.write_text(
        f"file fid=424242 aid=3131 eid=55501 gid=777 size={size} ed2k={ed2k} crc32=00000000"
        " state=1 quality=high source=DVD file_type=mkv\n"
        'anime aid=3131 romaji_name="Aozora Kikou" english_name="Blue Sky Voyage"'
        ' short_names=AK synonyms="Sky\'Voyage" episodes=12 year=2019 type="TV Series"\n'
        "episode eid=55501 aid=3131 epno=03 english=\"The Captain's Map\" length=24\n"
        'group gid=777 name="Northwind Subs" short_name=NWS\n')
    port_file = tmp_path / "port"
    log = tmp_path / "fake.log"
    process = subprocess.Popen(
        [FAKE, "--port", "0", "--port-file", str(port_file), "--catalog", str(catalog),
         "--users", "pyuser:pypass", "--flood-interval-ms", "50", "--log", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "fake-anidb did not start"
            time.sleep(0.05)
        yield {"port": int(port_file.read_text()), "ed2k": ed2k, "size": size, "log": log}
    finally:
        process.terminate()
        process.wait(timeout=30)


def datagrams(server) -> int:
    return len(server["log"].read_text().splitlines()) if server["log"].exists() else 0


def make_client(tmp_path: Path, port: int = 9, password: str = "pypass", **options) -> anidb.Client:
    opts = {"anidb.server": f"127.0.0.1:{port}", "anidb.local_port": 0,
            "anidb.interval_scale": "0.025", "anidb.timeout_ms": 2000}
    opts.update(options)
    return anidb.Client(cache_dir=tmp_path / "cache", username="pyuser", password=password,
                        client_name="anidbpytest", client_version=1, options=opts)


@needs_fake
def test_watched_twice_sends_nothing_the_second_time(tmp_path, server, episode):
    with make_client(tmp_path, server["port"]) as client:
        first = client.mylist_watched(episode)
        assert isinstance(first, anidb.MyListChange)
        assert first.what == anidb.MyListChangeKind.ADDED and first.mylist_id > 0
        before = datagrams(server)
        again = client.mylist_watched((server["ed2k"], server["size"]))
        assert again.what == anidb.MyListChangeKind.NOTHING and again.commands == 0
        assert datagrams(server) == before
        entry = client.mylist_show(episode)
        assert isinstance(entry, anidb.MyListEntry)
        assert entry.in_mylist and entry.file_id == 424242 and entry.viewdate > 0
        assert entry.from_local_state
        edited = client.mylist_edit(episode, storage="shelf 2")
        assert edited.what == anidb.MyListChangeKind.EDITED
        assert client.mylist_remove(episode).what == anidb.MyListChangeKind.REMOVED
        assert client.mylist_remove(episode).what == anidb.MyListChangeKind.NOTHING


@needs_fake
def test_metadata_is_typed_and_cached(tmp_path, server):
    with make_client(tmp_path, server["port"]) as client:
        anime = client.anime(3131)
        assert isinstance(anime, anidb.Anime)
        assert anime.title_romaji == "Aozora Kikou" and anime.synonyms == ("Sky", "Voyage")
        assert not anime.origin.from_cache
        assert client.anime("blue sky voyage").anime_id == 3131
        assert client.anime("Blue Sky Voyage").origin.from_cache
        ep = client.episode(anime=3131, epno="3")
        assert isinstance(ep, anidb.Episode) and ep.title_english == "The Captain's Map"
        assert client.episode(55501).origin.from_cache
        group = client.group("NWS")
        assert isinstance(group, anidb.Group) and group.group_id == 777
        with pytest.raises(anidb.NoSuchFile):
            client.anime(999999)
        with pytest.raises(TypeError):
            client.anime(True)


def test_queue_keeps_work_without_credentials(tmp_path):
    with make_client(tmp_path, password="") as client:
        change = client.mylist_watched(("0123456789abcdef0123456789abcdef", 1000), viewdate=1700000000)
        assert change.what == anidb.MyListChangeKind.QUEUED
        assert change.reason == anidb.QueueReason.NO_CREDENTIALS
        jobs = client.queue_list()
        assert len(jobs) == 1 and isinstance(jobs[0], anidb.QueueJob)
        assert jobs[0].kind == anidb.QueueJobKind.WATCHED and jobs[0].file_size == 1000
        run = client.queue_run()
        assert isinstance(run, anidb.QueueRun) and run.completed == 0
        assert run.stopped_by == 29  # ANIDB_ERROR_NO_CREDENTIALS
        assert client.queue_clear() == 1
        assert client.queue_list() == []
        with pytest.raises(anidb.InvalidParameter):
            client.mylist_show(("xyz", 10))


@pytest.fixture
def titles_url(tmp_path: Path):
    web = tmp_path / "web"
    web.mkdir()
    (web / "titles.dat.gz").write_bytes(gzip.compress(
        "23|1|x-jat|Cowboy Bebop\n23|4|ja|カウボーイビバップ\n230|1|x-jat|Pocket Monsters\n"
        "230|4|en|Pokémon\n".encode()))
    proc = subprocess.Popen([sys.executable, str(HTTP_SERVER), "--root", str(web)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    port = int(proc.stdout.readline().split()[1])
    yield f"http://127.0.0.1:{port}/files/titles.dat.gz"
    proc.stdin.close()
    proc.wait(timeout=30)


def test_titles_download_once_and_search(tmp_path, titles_url):
    with make_client(tmp_path, **{"titles.url": titles_url}) as client:
        assert client.search_titles("bebop") == []  # nothing stored yet
        update = client.update_titles()
        assert isinstance(update, anidb.TitlesUpdate)
        assert update.outcome == anidb.TitlesOutcome.UPDATED and update.titles == 4
        assert client.update_titles(force=True).outcome == anidb.TitlesOutcome.TOO_SOON
        found = client.search_titles("pokemon")
        assert isinstance(found[0], anidb.TitleMatch)
        assert (found[0].anime_id, found[0].main_title, found[0].title) == (230, "Pocket Monsters", "Pokémon")
        assert client.search_titles("カウボーイ", lang="ja")[0].anime_id == 23
        with pytest.raises(anidb.InvalidParameter):
            client.search_titles("bebop", limit=5000)
