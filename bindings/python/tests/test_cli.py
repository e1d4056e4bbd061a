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


def test_closed_output_pipe_ends_quietly(tmp_path, package_env):
    """`anidb-py hash ... | head -1`: no traceback, exit status 141 like `anidb`."""
    files = []
    for i in range(600):
        path = tmp_path / f"f{i:03}.bin"
        path.write_bytes(b"x%d" % i)
        files.append(str(path))
    # ~180 KB of output: more than a pipe holds, so the writer meets the closed end.
    proc = subprocess.Popen([sys.executable, "-m", "anidb", "hash", "--no-cache", "-a",
                             "ed2k,crc32,md5,sha1,tth", *files], env=package_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline()  # the first file came out
    proc.stdout.close()
    error = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, error
    assert "Traceback" not in error and "BrokenPipeError" not in error
