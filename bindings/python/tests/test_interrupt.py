"""Ctrl-C during a long hash cancels it and reaches the caller as KeyboardInterrupt."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent("""
    import sys, anidb
    path, cache = sys.argv[1], sys.argv[2]
    started = False
    def progress(percentage, done, total):
        global started
        if not started:
            started = True
            print("started", flush=True)
    with anidb.Client(cache_dir=cache) as client:
        try:
            client.hash(path, ("ed2k", "crc32", "md5", "sha1", "tth"), progress=progress)
            print("finished")
        except KeyboardInterrupt:
            print("interrupted", anidb.leak_check(), flush=True)
""")


def test_sigint_cancels_a_long_hash(tmp_path, package_env):
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        f.truncate(8 * 1024 * 1024 * 1024)  # sparse: reading it costs no disk
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(big), str(tmp_path / "cache")],
                             env=package_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "started"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err
    assert out.strip() == "interrupted (0, 0)", err
