"""Bad input gives TypeError/ValueError (or a typed AniDBError), never a crash."""

from __future__ import annotations

import os

import pytest

import anidb


@pytest.mark.parametrize("path", [None, 42, 3.5, ["a"], object()])
def test_wrong_path_types(client, path):
    with pytest.raises(TypeError):
        client.hash(path)


def test_non_utf8_bytes_path_is_invalid_utf8(client, tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.mkv"
    with open(raw, "wb") as f:  # the file exists: the name alone is refused
        f.write(b"abc")
    with pytest.raises(anidb.InvalidUTF8) as info:
        client.hash(raw)
    assert isinstance(info.value, ValueError)
    assert info.value.code == 9


def test_surrogate_escaped_str_path_is_invalid_utf8(client, tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.mkv"
    with open(raw, "wb") as f:
        f.write(b"abc")
    name = os.fsdecode(raw)  # what os.listdir gives for that name
    with pytest.raises(anidb.InvalidUTF8):
        client.hash(name)


def test_lone_surrogate_is_a_value_error(client):
    with pytest.raises(ValueError):
        client.hash("\ud800.mkv")


@pytest.mark.parametrize("path", ["a\0b", b"a\0b", "", b""])
def test_nul_and_empty_paths(client, path):
    with pytest.raises(ValueError):
        client.hash(path)


def test_missing_file(client, tmp_path):
    with pytest.raises(anidb.FileNotFound) as info:
        client.hash(tmp_path / "nope.mkv")
    assert isinstance(info.value, FileNotFoundError)
    assert info.value.code == 3
    assert info.value.message


def test_directory_is_invalid_parameter(client, tmp_path):
    with pytest.raises(anidb.InvalidParameter):
        client.hash(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_is_permission_denied(client, tmp_path):
    path = tmp_path / "secret"
    path.write_bytes(b"x")
    path.chmod(0)
    with pytest.raises(anidb.PermissionDenied):
        client.hash(path)


@pytest.mark.parametrize("algorithms, error", [
    ((), ValueError),
    (("foo",), ValueError),
    (("md5", "MD5"), ValueError),
    ((7,), ValueError),
    (None, TypeError),
    ((1.5,), TypeError),
    ((True,), TypeError),
])
def test_bad_algorithms(client, tmp_path, algorithms, error):
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    with pytest.raises(error):
        client.hash(path, algorithms)


def test_progress_not_callable(client, tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    with pytest.raises(TypeError):
        client.hash(path, progress="not callable")  # type: ignore[arg-type]


def test_closed_client(tmp_path):
    c = anidb.Client(cache_dir=tmp_path)
    c.close()
    c.close()  # idempotent
    assert c.closed
    with pytest.raises(anidb.InvalidHandle):
        c.hash(tmp_path / "x")


@pytest.mark.parametrize("kwargs, error", [
    ({"username": 5}, TypeError),
    ({"max_concurrent_files": -1}, ValueError),
    ({"max_concurrent_files": "4"}, TypeError),
    ({"cache_dir": 7}, TypeError),
    ({"options": {"no.such.option": "1"}}, anidb.InvalidParameter),
    ({"options": {"anidb.server": None}}, TypeError),
])
def test_bad_client_arguments(tmp_path, kwargs, error):
    kwargs.setdefault("cache_dir", tmp_path)
    with pytest.raises(error):
        anidb.Client(**kwargs)


def test_bad_identify_targets(client):
    with pytest.raises(ValueError):
        client.identify(("0" * 32,))
    with pytest.raises(TypeError):
        client.identify((123, 456))
    with pytest.raises(ValueError):
        client.identify(("abc", 10))  # not 32 hex digits: the library refuses it
    with pytest.raises(ValueError):
        client.identify(("0" * 32, -1))
    with pytest.raises(TypeError):
        client.identify(None)


def test_error_hierarchy():
    assert issubclass(anidb.Timeout, anidb.NetworkError)
    assert issubclass(anidb.NoSuchFile, anidb.AniDBReplyError)
    for cls in (anidb.FileNotFound, anidb.OutOfMemory, anidb.Cancelled, anidb.NetworkError,
                anidb.InvalidUTF8, anidb.PermissionDenied, anidb.CacheError, anidb.Busy,
                anidb.LoginFailed, anidb.Banned, anidb.ServerBusy):
        assert issubclass(cls, anidb.AniDBError)
    err = anidb.AniDBIOError(6, "read failed", "/x")
    assert err.code == 6 and "read failed" in str(err) and isinstance(err, OSError)
