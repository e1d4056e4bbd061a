"""Shared fixtures: the package on sys.path, a client per test, a leak check after each."""

from __future__ import annotations

import gc
import os
import random
import sys
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
# ANIDB_TEST_INSTALLED=1: test the package pip installed (tests/packaging
# runs this suite in a venv that way), not the one in this source tree.
TEST_INSTALLED = os.environ.get("ANIDB_TEST_INSTALLED") == "1"
if not TEST_INSTALLED:
    sys.path.insert(0, str(PACKAGE_ROOT))

import anidb  # noqa: E402


@pytest.fixture(autouse=True)
def private_host_state(tmp_path: Path, monkeypatch):
    """Each test its own host-wide AniDB state (rate limit, cool-downs, lock):
    tests running in parallel on this machine must not share one budget."""
    monkeypatch.setenv("ANIDB_HOST_STATE_DIR", str(tmp_path / "anidb-host"))


@pytest.fixture(autouse=True)
def no_leaks():
    """Every library allocation the binding received has been freed after the test."""
    yield
    gc.collect()
    check = anidb.leak_check()
    assert check == (0, 0), f"not freed: {check.leaked_types()}"


@pytest.fixture
def client(tmp_path: Path):
    with anidb.Client(cache_dir=tmp_path / "cache") as c:
        yield c


@pytest.fixture
def make_file(tmp_path: Path):
    """make_file(size, name=None, seed=0) -> Path of a file of random bytes."""
    counter = iter(range(1_000_000))

    def make(size: int, name: str | None = None, seed: int = 0) -> Path:
        path = tmp_path / (name or f"file-{next(counter)}.bin")
        data = random.Random(seed).randbytes(size)
        path.write_bytes(data)
        return path

    return make


@pytest.fixture
def package_env() -> dict[str, str]:
    """Environment for a child python3 that imports this package."""
    env = dict(os.environ)
    if not TEST_INSTALLED:
        env["PYTHONPATH"] = str(PACKAGE_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env
