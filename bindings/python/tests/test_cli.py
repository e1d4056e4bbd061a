"""python3 -m anidb hash FILE."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(args, env):
    return subprocess.run([sys.executable, "-m", "anidb", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_hash_prints_the_digests(tmp_path, package_env):
    path = tmp_path / "abc.bin"
    path.write_bytes(b"abc")
    out = run(["hash", str(path), "-a", "ed2k,crc32,md5", "--cache-dir", str(tmp_path / "c")],
              package_env)
    assert out.returncode == 0, out.stderr
    assert "a448017aaf21d8525fc10ae87aa6729d" in out.stdout
    assert "352441c2" in out.stdout
    assert "900150983cd24fb0d6963f7d28e17f72" in out.stdout


def test_hash_json_and_missing_file(tmp_path, package_env):
    path = tmp_path / "abc.bin"
    path.write_bytes(b"abc")
    out = run(["hash", "--json", "--no-cache", str(path), str(tmp_path / "missing")],
              package_env)
    assert out.returncode == 1
    record = json.loads(out.stdout.strip().splitlines()[0])
    assert record["hashes"] == {"ed2k": "a448017aaf21d8525fc10ae87aa6729d", "crc32": "352441c2"}
    assert "missing" in out.stderr


def test_bad_algorithm_is_a_usage_error(tmp_path, package_env):
    out = run(["hash", "-a", "nope", str(tmp_path)], package_env)
    assert out.returncode == 2
    assert "unknown hash algorithm" in out.stderr


@pytest.mark.parametrize("args", [["--version"], ["hash", "--help"]])
def test_help_and_version(args, package_env):
    assert run(args, package_env).returncode == 0
