"""Hashing one file: known vectors, rhash, the result type, progress callbacks."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import subprocess
import threading
import zlib
from pathlib import Path

import pytest

import anidb

ALL = ("ed2k", "crc32", "md5", "sha1", "tth")

# Published digests of "abc" (RFC 1320 MD4 = single-chunk ED2K, RFC 1321,
# FIPS 180, the TTH of the Tiger tree) and of the empty input.
ABC = {
    "ed2k": "a448017aaf21d8525fc10ae87aa6729d",
    "crc32": "352441c2",
    "md5": "900150983cd24fb0d6963f7d28e17f72",
    "sha1": "a9993e364706816aba3e25717850c26c9cd0d89d",
    "tth": "ASD4UJSEH5M47PDYB46KBTSQTSGDKLBHYXOMUIA",
}
EMPTY = {
    "ed2k": "31d6cfe0d16ae931b73c59d7e0c089c0",
    "crc32": "00000000",
    "md5": "d41d8cd98f00b204e9800998ecf8427e",
    "sha1": "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "tth": "LWPNACQDBZRYXW3VHJVCJ64QBZNGHOHHHZWCLNQ",
}


def test_known_vectors_abc(client, tmp_path):
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    result = client.hash(path, ALL)
    assert result.hashes == ABC
    assert result.size == 3
    assert result.path == str(path)


def test_known_vectors_empty_file(client, tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    result = client.hash(path, ALL)
    assert result.hashes == EMPTY
    assert result.size == 0


def test_result_is_frozen_dataclass_in_requested_order(client, make_file):
    result = client.hash(make_file(1000), ("sha1", "crc32"))
    assert dataclasses.is_dataclass(result)
    assert list(result.hashes) == ["sha1", "crc32"]
    assert isinstance(result.elapsed, float) and result.elapsed >= 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.size = 1  # type: ignore[misc]


def test_multi_chunk_file_matches_hashlib_and_zlib(client, make_file):
    # Crosses the 9728000-byte ED2K chunk boundary.
    path = make_file(9728000 + 123457, seed=7)
    data = path.read_bytes()
    result = client.hash(path, ("md5", "sha1", "crc32"))
    assert result.hashes["md5"] == hashlib.md5(data).hexdigest()
    assert result.hashes["sha1"] == hashlib.sha1(data).hexdigest()
    assert result.hashes["crc32"] == f"{zlib.crc32(data):08x}"
    assert result.size == len(data)


@pytest.mark.skipif(shutil.which("rhash") is None, reason="rhash is not installed")
@pytest.mark.parametrize("size", [1, 1023, 1025, 9728000 + 1, 3 * 1024 * 1024 + 7])
def test_matches_rhash(client, make_file, size):
    path = make_file(size, seed=size)
    result = client.hash(path, ALL)
    out = subprocess.run(["rhash", "--printf", "%{ed2k} %c %m %h %T", str(path)],
                         check=True, capture_output=True, text=True).stdout.split()
    assert [result.hashes[a] for a in ALL] == out


def test_hash_bytes_and_hash_file_agree_with_client(client, make_file):
    path = make_file(200_000, seed=3)
    data = path.read_bytes()
    result = client.hash(path, ALL)
    for name in ALL:
        assert anidb.hash_bytes(data, name) == result.hashes[name]
        assert anidb.hash_file(path, name) == result.hashes[name]
    assert anidb.hash_bytes(b"abc", anidb.HashAlgorithm.TTH) == ABC["tth"]


def test_str_bytes_and_pathlike_paths(client, make_file):
    path = make_file(5000)
    by_path = client.hash(path, "md5")
    assert client.hash(str(path), "md5").hashes == by_path.hashes
    assert client.hash(os.fsencode(path), "md5").hashes == by_path.hashes


def test_unicode_file_name(client, tmp_path):
    path = tmp_path / "進撃の巨人 - 01 [ÄÖÜ].mkv"
    path.write_bytes(b"abc")
    assert client.hash(path, "ed2k").hashes["ed2k"] == ABC["ed2k"]


def test_progress_called_from_library_threads_ending_at_100(client, make_file):
    path = make_file(6 * 1024 * 1024)
    calls: list[tuple[float, int, int]] = []
    threads: set[int] = set()
    lock = threading.Lock()

    def progress(percentage: float, done: int, total: int) -> None:
        with lock:
            calls.append((percentage, done, total))
            threads.add(threading.get_ident())

    client.hash(path, ALL, progress=progress)
    assert calls, "progress was never called"
    assert calls[-1][0] == pytest.approx(100.0)
    assert calls[-1][1] == calls[-1][2] == path.stat().st_size
    assert all(b[1] >= a[1] for a, b in zip(calls, calls[1:]))


def test_exception_in_progress_is_reraised_and_hash_cancelled(client, make_file):
    path = make_file(4 * 1024 * 1024)

    class Stop(Exception):
        pass

    def progress(percentage: float, done: int, total: int) -> None:
        raise Stop(f"stopped at {percentage:.0f} %")

    with pytest.raises(Stop, match="stopped at"):
        client.hash(path, ALL, progress=progress)
    # The client still works afterwards.
    assert client.hash(path, "crc32").size == path.stat().st_size


def test_keyboard_interrupt_in_progress_cancels(client, make_file):
    path = make_file(4 * 1024 * 1024)

    def progress(percentage: float, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        client.hash(path, ALL, progress=progress)


def test_several_python_threads_share_one_client(client, make_file):
    paths = [make_file(300_000 + i, seed=i) for i in range(8)]
    expected = {str(p): hashlib.md5(p.read_bytes()).hexdigest() for p in paths}
    got: dict[str, str] = {}
    errors: list[BaseException] = []
    progress_calls = [0]
    lock = threading.Lock()

    def progress(percentage: float, done: int, total: int) -> None:
        with lock:
            progress_calls[0] += 1

    def worker(chunk: list[Path]) -> None:
        try:
            for p in chunk:
                r = client.hash(p, ("md5", "ed2k"), progress=progress)
                with lock:
                    got[r.path] = r.hashes["md5"]
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(paths[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert got == expected
    assert progress_calls[0] >= len(paths)


def test_cached_result_is_the_same(client, make_file):
    path = make_file(100_000)
    first = client.hash(path, ALL)
    assert client.is_cached(path, "ed2k")
    second = client.hash(path, ALL)
    assert second.hashes == first.hashes
    entries, _ = client.cache_stats()
    assert entries >= 1
    client.cache_clear()
    assert not client.is_cached(path, "ed2k")


CHUNK = 9728000


def _md4(data: bytes) -> str:
    return subprocess.run(["rhash", "--md4", "--printf=%{md4}", "-"], input=data,
                          stdout=subprocess.PIPE, check=True).stdout.decode().lower()


def ed2k_blue_of(data: bytes) -> str:
    """ED2K's blue variant computed here from rhash's MD4: the chunks' MD4s
    without the MD4 of an empty chunk that red (ED2K) appends after an exact
    multiple of the chunk size."""
    chunks = [bytes.fromhex(_md4(data[i:i + CHUNK])) for i in range(0, len(data), CHUNK)]
    return chunks[0].hex() if len(chunks) == 1 else _md4(b"".join(chunks))


@pytest.mark.skipif(shutil.which("rhash") is None, reason="rhash is not installed")
def test_ed2k_blue_of_a_chunk_multiple(client, make_file):
    path = make_file(2 * CHUNK, seed=7)
    data = path.read_bytes()
    blue = ed2k_blue_of(data)
    result = client.hash(path, ("ed2k_blue", "crc32", "ed2k"))
    assert list(result.hashes) == ["ed2k_blue", "crc32", "ed2k"]
    assert result.hashes["ed2k_blue"] == blue
    assert result.hashes["ed2k"] != blue
    # The CLI's spelling and the enum work too; again from the cache.
    assert client.hash(path, "ed2k-blue").hashes == {"ed2k_blue": blue}
    assert client.hash(path, anidb.HashAlgorithm.ED2K_BLUE).hashes["ed2k_blue"] == blue
    assert anidb.hash_file(path, "ed2k_blue") == blue
    assert anidb.hash_bytes(data, "ed2k_blue") == blue


def test_ed2k_blue_equals_ed2k_for_other_sizes(client, make_file):
    path = make_file(CHUNK + 1, seed=8)
    result = client.hash(path, ("ed2k", "ed2k_blue"))
    assert result.hashes["ed2k_blue"] == result.hashes["ed2k"]
    assert anidb.hash_bytes(b"abc", "ed2k_blue") == ABC["ed2k"]


def test_every_algorithm_at_once(client, make_file):
    result = client.hash(make_file(1000), anidb.HashAlgorithm)
    assert list(result.hashes) == [*ALL, "ed2k_blue"]
    with pytest.raises(ValueError, match="duplicate"):
        client.hash(make_file(10), ("ed2k_blue", "ED2K_BLUE"))
