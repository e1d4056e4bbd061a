"""Every CLI command that talks to AniDB against a server that injects each
fault kind (issue 12): silence, garbage, truncated, wrong tag, 5xx/6xx, 555,
a zlib bomb, huge fields and a reply about another file. Each run must end
with the right exit code (never a crash), report every file once, keep its
output well-formed, and print no server text unescaped. Time stays small:
interval scale 0.01, 150 ms reply time-out, 600 ms give-up budget."""
import json
import os
import socket

import pytest

from conftest import clean_env, run
from conftest import EPISODES, FakeAnidb, media  # noqa: F401  (media is a fixture)

FAKE = os.environ.get("FAKE_ANIDB")
pytestmark = pytest.mark.skipif(not FAKE, reason="fake-anidb not built")

# fault spec for fake-anidb --fault, exit code of every command, whether the
# files are identified after all
FAULTS = [
    ("silence@FILE", 4),
    ("garbage@FILE", 4),
    ("truncated@FILE", 4),
    ("wrong-tag@FILE", 4),
    ("zlib-bomb@FILE", 4),
    ("other-file@FILE", 4),
    ("huge-fields@FILE", 0),
    ("555@FILE", 3),
    ("601@FILE", 3),
    ("502@FILE", 3),
    ("600@FILE", 4),
    ("505@FILE", 4),
    # One fault only: the next file would be answered; it must fail with the
    # same cause without asking (the old CLI then crashed: use-after-free).
    ("600:1@FILE", 4),
    ("silence:2@FILE", 4),
    ("silence@AUTH", 4),
    ("garbage@AUTH", 4),
    ("555@AUTH", 3),
]
# mylist add and rename share identify's path; they meet the kinds that
# end a run in different ways.
SOME_FAULTS = ["silence@FILE", "truncated@FILE", "other-file@FILE", "555@FILE", "huge-fields@FILE"]


def fault_env(tmp_path, fake, name):
    return clean_env(tmp_path / name, ANIDB_SERVER=f"127.0.0.1:{fake.port}", ANIDB_USERNAME="mika",
                     ANIDB_PASSWORD="secret", ANIDB_LOCAL_PORT=0, ANIDB_INTERVAL_SCALE="0.01",
                     ANIDB_CLIENT_NAME="anidbtest", ANIDB_TIMEOUT_MS=150, ANIDB_RETRIES=1,
                     ANIDB_GIVE_UP_MS=600)


def assert_clean(proc, expected_rc):
    assert proc.returncode == expected_rc, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    for stream in (proc.stdout, proc.stderr):
        assert b"\x1b" not in stream and b"\x07" not in stream, stream[-2000:]
        assert b"AddressSanitizer" not in stream and b"runtime error" not in stream


def one_cause(errors):
    """A fault that ends the run fails every file with the same cause."""
    assert len(set(errors)) == 1, errors


@pytest.mark.parametrize("spec,expected", FAULTS)
def test_identify_survives_the_fault(tmp_path, media, spec, expected):  # noqa: F811
    fake = FakeAnidb(tmp_path, media, extra_args=("--fault", spec))
    try:
        files = [str(media / name) for name, *_ in EPISODES]
        proc = run(["identify", "-f", "json", *files], tmp_path, env=fault_env(tmp_path, fake, "id"))
        assert_clean(proc, expected)
        records = json.loads(proc.stdout)  # well-formed, every file once
        assert sorted(r["path"] for r in records) == sorted(files)
        if expected == 0:
            assert all("file_id" in r for r in records)
            assert all(r["ed2k"] and "error" not in r for r in records)
        else:
            assert all("error" in r and "file_id" not in r for r in records), records
            one_cause([r["error"] for r in records])
    finally:
        assert " 0 flood violations" in fake.stop()


@pytest.mark.parametrize("spec", SOME_FAULTS)
def test_mylist_add_and_rename_survive_the_fault(tmp_path, media, spec):  # noqa: F811
    expected = dict(FAULTS)[spec]
    fake = FakeAnidb(tmp_path, media, extra_args=("--fault", spec))
    try:
        files = [str(media / name) for name, *_ in EPISODES]
        added = run(["mylist", "add", "--state", "hdd", *files], tmp_path,
                    env=fault_env(tmp_path, fake, "mylist"))
        assert_clean(added, expected)
        lines = added.stdout.decode().splitlines()
        assert len(lines) == 2, lines
        if expected == 0:
            assert all(": added (lid " in line for line in lines), lines
        else:
            assert all(": FAILED: " in line for line in lines), lines
            one_cause([line.split(": FAILED: ", 1)[1] for line in lines])
            assert fake.datagrams("MYLISTADD") == 0  # nothing added for a file not identified

        renamed = run(["rename", "--dry-run", "--template", "{anime} - {episode}", *files], tmp_path,
                      env=fault_env(tmp_path, fake, "rename"))
        assert_clean(renamed, expected)
        lines = renamed.stdout.decode().splitlines()
        assert len(lines) == 2, lines
        if expected == 0:
            assert all(" -> " in line for line in lines), lines
        else:
            assert all(": NOT RENAMED: " in line for line in lines), lines
            one_cause([line.split(": NOT RENAMED: ", 1)[1] for line in lines])
    finally:
        assert " 0 flood violations" in fake.stop()


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize("spec,expected", [("silence@LOGOUT", 4), ("555@LOGOUT", 3),
                                           ("garbage@LOGOUT", 4)])
def test_session_logout_survives_the_fault(tmp_path, media, spec, expected):  # noqa: F811
    fake = FakeAnidb(tmp_path, media, extra_args=("--fault", spec))
    try:
        # A fixed local port: the session is kept for reuse, so `session logout` has one to end.
        env = dict(fault_env(tmp_path, fake, "logout"), ANIDB_LOCAL_PORT=str(free_udp_port()))
        run(["identify", str(media / EPISODES[0][0])], tmp_path, env=env, check_rc=0)
        proc = run(["session", "logout"], tmp_path, env=env)
        assert_clean(proc, expected)
        assert fake.datagrams("LOGOUT") >= 1
    finally:
        assert " 0 flood violations" in fake.stop()
