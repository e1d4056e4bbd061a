"""identify and mylist_add against the fake AniDB server (tests/support/fake_anidb)."""

from __future__ import annotations

import os
import random
import subprocess
import time
from pathlib import Path

import pytest

import anidb

FAKE = os.environ.get("ANIDB_FAKE_ANIDB", "")

pytestmark = pytest.mark.skipif(
    not FAKE or not os.access(FAKE, os.X_OK),
    reason="the fake-anidb server is not built (set ANIDB_FAKE_ANIDB to its path)")


@pytest.fixture
def episode(tmp_path: Path) -> Path:
    path = tmp_path / "[NWS] Aozora Kikou - 03.mkv"
    path.write_bytes(random.Random(42).randbytes(300_000))
    return path


@pytest.fixture
def server(tmp_path: Path, episode: Path):
    """Starts fake-anidb on a free port with a catalog that knows `episode`."""
    ed2k = anidb.hash_bytes(episode.read_bytes(), "ed2k")
    crc = anidb.hash_bytes(episode.read_bytes(), "crc32")
    size = episode.stat().st_size
    catalog = tmp_path / "catalog.txt"
    catalog.write_text(
        f"file fid=424242 aid=3131 eid=55501 gid=777 size={size} ed2k={ed2k} crc32={crc}"
        " state=1 quality=high source=DVD resolution=848x480 file_type=mkv\n"
        'anime aid=3131 romaji_name="Aozora Kikou" english_name="Blue Sky Voyage"'
        ' episodes=12 year=2019 type="TV Series"\n'
        "episode eid=55501 aid=3131 epno=03 english=\"The Captain's Map\" length=24\n"
        'group gid=777 name="Northwind Subs" short_name=NWS\n')
    port_file = tmp_path / "port"
    process = subprocess.Popen(
        [FAKE, "--port", "0", "--port-file", str(port_file), "--catalog", str(catalog),
         "--users", "pyuser:pypass", "--flood-interval-ms", "50"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "fake-anidb did not start"
            time.sleep(0.05)
        yield {"port": int(port_file.read_text()), "ed2k": ed2k, "size": size}
    finally:
        process.terminate()
        process.wait(timeout=30)


def make_client(tmp_path: Path, port: int, password: str = "pypass") -> anidb.Client:
    return anidb.Client(
        cache_dir=tmp_path / "cache", username="pyuser", password=password,
        client_name="anidbpytest", client_version=1,
        options={"anidb.server": f"127.0.0.1:{port}", "anidb.local_port": 0,
                 "anidb.interval_scale": "0.025", "anidb.timeout_ms": 2000})


def test_identify_path_then_from_cache(tmp_path, server, episode):
    with make_client(tmp_path, server["port"]) as client:
        info = client.identify(episode)
        assert isinstance(info, anidb.AnimeInfo)
        assert (info.anime_id, info.episode_id, info.file_id, info.group_id) == (3131, 55501, 424242, 777)
        assert info.title == "Aozora Kikou"
        assert info.title_english == "Blue Sky Voyage"
        assert info.episode_number == 3
        assert info.episode_title == "The Captain's Map"
        assert info.group_name == "Northwind Subs"
        assert info.ed2k == server["ed2k"]
        assert info.file_size == server["size"]
        assert info.source == anidb.Source.ANIDB
        again = client.identify((server["ed2k"], server["size"]))
        assert again.source == anidb.Source.CACHE
        assert again.anime_id == 3131


def test_unknown_file_is_no_such_file(tmp_path, server):
    with make_client(tmp_path, server["port"]) as client:
        with pytest.raises(anidb.NoSuchFile):
            client.identify(("0123456789abcdef0123456789abcdef", 12345))


def test_wrong_password_is_login_failed(tmp_path, server, episode):
    with make_client(tmp_path, server["port"], password="wrong") as client:
        with pytest.raises(anidb.LoginFailed):
            client.identify((server["ed2k"], server["size"]))


def test_no_credentials(tmp_path, server):
    with anidb.Client(cache_dir=tmp_path / "cache",
                      options={"anidb.server": f"127.0.0.1:{server['port']}"}) as client:
        with pytest.raises(anidb.NoCredentials):
            client.identify((server["ed2k"], server["size"]))


def test_mylist_add_then_already_present(tmp_path, server, episode):
    with make_client(tmp_path, server["port"]) as client:
        first = client.mylist_add(episode, state=anidb.MyListState.HDD, viewed=True)
        assert first.outcome == anidb.MyListOutcome.ADDED
        assert first.mylist_id > 0
        second = client.mylist_add((server["ed2k"], server["size"]),
                                   state=anidb.MyListState.HDD, viewed=True)
        assert second.outcome == anidb.MyListOutcome.ALREADY_PRESENT
        assert second.mylist_id == first.mylist_id
        events = list(client.events())
        assert any(e.type == anidb.EventType.NETWORK_COMPLETE for e in events)


def test_a_packet_waiting_for_the_rate_limit_is_an_event(tmp_path, server, episode):
    # 0.25: 550 ms between packets, so the FILE after the AUTH surely waits.
    with anidb.Client(cache_dir=tmp_path / "cache", username="pyuser", password="pypass",
                      client_name="anidbpytest", client_version=1,
                      options={"anidb.server": f"127.0.0.1:{server['port']}", "anidb.local_port": 0,
                               "anidb.interval_scale": "0.25"}) as client:
        client.identify(episode)
        waits = [e for e in client.events() if e.type == anidb.EventType.NETWORK_WAIT]
        assert waits, "no NETWORK_WAIT event"
        assert all(isinstance(e, anidb.NetworkWaitEvent) for e in waits)
        assert waits[0].send_at > 0 and waits[0].endpoint.startswith("127.0.0.1:")
        assert "rate limit" in waits[0].context
