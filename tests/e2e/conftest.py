"""Shared helpers for the anidb CLI end-to-end tests (run by CTest, label e2e).

ANIDB_CLI points at the built binary, ANIDB_RHASH at rhash, FAKE_ANIDB at
the fake AniDB server program.
"""
import os
import shutil
import subprocess

import pytest

CLI = os.environ.get("ANIDB_CLI", "anidb")
RHASH = os.environ.get("ANIDB_RHASH") or shutil.which("rhash") or "rhash"


def clean_env(tmp_path, **extra):
    """An environment with private XDG folders and no ANIDB_* leaking in.

    ANIDB_HOST_STATE_DIR gives every test its own host-wide AniDB state (rate
    limit, cool-downs, lock): tests running in parallel on this machine must
    not share one budget.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANIDB_")}
    env["ANIDB_HOST_STATE_DIR"] = str(tmp_path / "anidb-host")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg-config")
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    env["XDG_STATE_HOME"] = str(tmp_path / "xdg-state")
    env["HOME"] = str(tmp_path / "home")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run(args, tmp_path, cwd=None, env=None, input=None, check_rc=None):
    """Runs the CLI; stdout/stderr as bytes (file names may be any bytes)."""
    proc = subprocess.run([CLI] + [os.fsencode(a) if isinstance(a, str) else a for a in args],
                          cwd=cwd, env=env or clean_env(tmp_path), input=input,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=240)
    if check_rc is not None:
        assert proc.returncode == check_rc, (proc.returncode, proc.stdout, proc.stderr)
    return proc


@pytest.fixture
def env(tmp_path):
    return clean_env(tmp_path)
