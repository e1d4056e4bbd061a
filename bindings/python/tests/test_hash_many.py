"""hash_many: several files at once, results as they finish."""

from __future__ import annotations

import hashlib

import pytest

import anidb


def test_yields_every_file_once_with_correct_hashes(client, make_file):
    paths = [make_file(50_000 * (i + 1), seed=i) for i in range(7)]
    results = list(client.hash_many(paths, ("md5", "crc32"), jobs=3))
    assert sorted(r.path for r in results) == sorted(str(p) for p in paths)
    for r in results:
        with open(r.path, "rb") as f:
            assert r.hashes["md5"] == hashlib.md5(f.read()).hexdigest()
        assert isinstance(r, anidb.HashResult)


def test_results_arrive_as_they_finish(client, make_file, tmp_path):
    # A 4 GiB sparse file (seconds of hashing) goes in first, two tiny files
    # after it: with two jobs the tiny ones are yielded while the big one
    # still runs. Closing the generator then cancels the big one. Two
    # readers on the device: a disk that reports itself as spinning gets
    # one by default, and the tiny files would wait for the big one.
    client.set_option("io.readers_per_device", 2)
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        f.truncate(4 * 1024 * 1024 * 1024)
    small = [make_file(1000, seed=i + 2) for i in range(2)]
    generator = client.hash_many([big, *small], ("md5", "sha1", "tth"), jobs=2)
    first_two = {next(generator).path, next(generator).path}
    assert first_two == {str(p) for p in small}
    generator.close()


def test_failure_is_raised_by_default(client, make_file, tmp_path):
    good = make_file(1000)
    missing = tmp_path / "missing.bin"
    with pytest.raises(anidb.FileNotFound) as info:
        list(client.hash_many([good, missing], jobs=1))
    assert info.value.path == str(missing)


def test_continue_on_error_yields_the_error(client, make_file, tmp_path):
    good = [make_file(1000, seed=1), make_file(2000, seed=2)]
    missing = tmp_path / "missing.bin"
    outcomes = list(client.hash_many([good[0], missing, good[1]], jobs=2, continue_on_error=True))
    errors = [o for o in outcomes if isinstance(o, anidb.AniDBError)]
    results = [o for o in outcomes if isinstance(o, anidb.HashResult)]
    assert len(errors) == 1 and isinstance(errors[0], anidb.FileNotFound)
    assert errors[0].path == str(missing)
    assert sorted(r.path for r in results) == sorted(str(p) for p in good)


def test_closing_early_cancels_the_rest(client, make_file):
    paths = [make_file(2 * 1024 * 1024, seed=i) for i in range(6)]
    generator = client.hash_many(paths, ("md5", "sha1", "tth"), jobs=2)
    first = next(generator)
    assert isinstance(first, anidb.HashResult)
    generator.close()  # the autouse fixture then checks nothing leaked


def test_accepts_a_generator_of_paths(client, make_file):
    paths = [make_file(100 + i, seed=i) for i in range(3)]
    assert len(list(client.hash_many((p for p in paths), "crc32"))) == 3


def test_empty_input_yields_nothing(client):
    assert list(client.hash_many([], "crc32")) == []


@pytest.mark.parametrize("jobs, error", [(0, ValueError), (-1, ValueError), ("2", TypeError),
                                         (1.5, TypeError)])
def test_bad_jobs(client, make_file, jobs, error):
    with pytest.raises(error):
        client.hash_many([make_file(10)], jobs=jobs)


def test_single_path_instead_of_list_is_a_type_error(client, make_file):
    with pytest.raises(TypeError):
        client.hash_many(str(make_file(10)))


def test_ed2k_blue_from_the_same_read(client, make_file):
    """Both ED2K variants in one batch: equal for a size that is no chunk
    multiple, different for one that is (checked against the C library's
    single-algorithm hashing of each variant)."""
    multiple = make_file(2 * 9728000, seed=5)
    other = make_file(12345, seed=6)
    results = {r.path: r for r in client.hash_many([multiple, other], ("ed2k", "ed2k_blue"))}
    blue = results[str(multiple)].hashes
    assert blue["ed2k_blue"] == anidb.hash_file(multiple, "ed2k_blue")
    assert blue["ed2k"] == anidb.hash_file(multiple, "ed2k") != blue["ed2k_blue"]
    assert results[str(other)].hashes["ed2k_blue"] == results[str(other)].hashes["ed2k"]
