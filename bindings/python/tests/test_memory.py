"""memory_stats, leak_check, the memory limit, version."""

from __future__ import annotations

import dataclasses
import re

import pytest

import anidb


def test_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", anidb.version())
    # The library of this tree: the ABI whose layouts the binding describes.
    assert anidb.abi_version() == anidb._native.ABI_VERSION == 3


def test_memory_stats_has_the_struct_fields():
    stats = anidb.memory_stats()
    names = [f.name for f in dataclasses.fields(stats)]
    assert names == ["total_memory_used", "ffi_allocated", "ffi_peak", "pool_memory", "pool_hits",
                     "pool_misses", "active_allocations", "memory_limit", "memory_pressure"]
    assert stats.memory_limit == 524288000
    assert isinstance(stats.memory_pressure, anidb.MemoryPressure)
    assert stats.active_allocations == 0


def test_leak_check_is_zero_between_calls(client, make_file):
    path = make_file(10_000)
    for _ in range(5):
        client.hash(path, ("ed2k", "md5"))
        assert anidb.leak_check() == (0, 0)


def test_peak_records_handed_out_results(client, make_file):
    client.hash(make_file(1000), ("ed2k", "crc32", "md5", "sha1", "tth"))
    assert anidb.memory_stats().ffi_peak > 0


def test_memory_limit_out_of_memory_then_recovers(client, make_file):
    path = make_file(256 * 1024)
    try:
        anidb.set_memory_limit(1)
        assert anidb.memory_stats().memory_limit == 1
        with pytest.raises(anidb.OutOfMemory) as info:
            client.hash(path, ("ed2k", "sha1"))
        assert isinstance(info.value, MemoryError)
    finally:
        anidb.set_memory_limit(0)
    assert anidb.memory_stats().memory_limit == 524288000
    assert client.hash(path, ("ed2k", "sha1")).size == 256 * 1024


@pytest.mark.parametrize("value, error", [(-1, ValueError), (1 << 64, ValueError),
                                          ("10", TypeError), (None, TypeError), (True, TypeError)])
def test_bad_memory_limit(value, error):
    with pytest.raises(error):
        anidb.set_memory_limit(value)


def test_memory_gc_empties_idle_pool(client, make_file):
    client.hash(make_file(3 * 1024 * 1024), "md5")
    anidb.memory_gc()
    stats = anidb.memory_stats()
    assert stats.pool_memory == 0


def test_hash_bytes_bad_input():
    with pytest.raises(TypeError):
        anidb.hash_bytes("text")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        anidb.hash_bytes(b"x", "nope")
    assert anidb.hash_bytes(b"", "crc32") == "00000000"


def test_cleanup_invalidates_clients_and_init_happens_again(tmp_path, make_file):
    path = make_file(1000)
    old = anidb.Client(cache_dir=tmp_path / "a")
    anidb.cleanup()
    with pytest.raises(anidb.AniDBError):
        old.hash(path, "crc32")
    old.close()
    with anidb.Client(cache_dir=tmp_path / "b") as fresh:
        assert fresh.hash(path, "crc32").size == 1000


def test_leak_check_names_the_types_still_alive(client, make_file):
    path = make_file(5000)
    client.hash(path, ("ed2k", "crc32"))
    check = anidb.leak_check()
    assert check == (0, 0) and repr(check) == "(0, 0)"
    assert (check.count, check.bytes) == (0, 0)
    assert set(check.by_type) == {"string", "hash_result", "file_result", "batch_result",
                                  "buffer", "event", "anime_info", "mylist_entry", "anime",
                                  "episode", "group", "title_search", "queue_list"}
    assert all(figures == (0, 0) for figures in check.by_type.values())
    assert check.leaked_types() == {}


def test_events_are_given_back_once_copied(client, make_file):
    client.hash(make_file(3000), "crc32")
    assert len(list(client.events())) >= 2
    assert anidb.leak_check().by_type["event"] == (0, 0)
    assert anidb.leak_check() == (0, 0)


def test_leak_check_counts_what_is_held(client):
    from anidb import _native

    held = _native.lib.anidb_client_get_last_error_string(client._h())
    assert held
    try:
        check = anidb.leak_check()
        assert check.count == 1
        assert check.by_type["string"] == (1, check.bytes)
        assert check.leaked_types() == {"string": (1, check.bytes)}
    finally:
        _native.lib.anidb_free_string(held)
    assert anidb.leak_check() == (0, 0)
