"""Host-wide AniDB safety of the CLI (issue 12): several processes with
different cache folders share one rate limit and one local port, a dead
server is given up on within one budget, Ctrl-C ends any network wait,
server text is escaped on stderr and in the stored state, private files are
private under umask 000, an unusable cache folder does not stop AniDB, and
`mylist add` never sends back what the server said the ED2K was."""
import fcntl
import json
import os
import pty
import re
import select
import signal
import socket
import subprocess
import time

import pytest

from conftest import CLI, clean_env, run
from conftest import EPISODES, FakeAnidb, anidb_env, media  # noqa: F401  (fixture)

FAKE = os.environ.get("FAKE_ANIDB")
pytestmark = pytest.mark.skipif(not FAKE, reason="fake-anidb not built")


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def datagrams(fake, command):
    """Datagrams of that command the fake server received (0 before the first)."""
    return fake.datagrams(command) if fake.log.exists() else 0


def log_records(fake):
    """(arrival seconds, peer, flags, text) of every datagram in the fake server's log."""
    out = []
    for line in fake.log.read_text(errors="replace").splitlines():
        stamp, peer, rest = line.split(" ", 2)
        t = time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) + float(stamp[19:-1])
        out.append((t, peer, rest))
    return out


def test_three_processes_with_different_cache_dirs_share_one_budget_and_port(tmp_path, media):  # noqa: F811
    fake = FakeAnidb(tmp_path, media, extra_args=("--flood-interval-ms", "20"))
    port = free_udp_port()
    try:
        files = [str(media / name) for name, *_ in EPISODES]
        procs = []
        for i in range(3):
            env = anidb_env(tmp_path / f"p{i}", fake, ANIDB_LOCAL_PORT=port)
            env["ANIDB_HOST_STATE_DIR"] = str(tmp_path / "host")  # one machine
            procs.append(subprocess.Popen([CLI, "identify", "-f", "json", *files], env=env,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, (out, err)
            assert b"already in use" not in err
            assert len(json.loads(out)) == 2
        records = log_records(fake)
        assert len(records) >= 6  # AUTH + FILEs of three processes
        assert all(peer == f"127.0.0.1:{port}" for _, peer, _ in records)  # one source port
        assert not any("TOO_CLOSE" in rest for _, _, rest in records)
        gaps = [b[0] - a[0] for a, b in zip(records, records[1:])]
        print(f"minimum inter-packet gap over {len(records)} packets: {min(gaps) * 1000:.1f} ms "
              "(interval scale 0.01: 22 ms)")
    finally:
        assert " 0 flood violations" in fake.stop()


def test_dead_server_is_given_up_on_once_and_the_rest_fail_at_once(tmp_path, media):  # noqa: F811
    dead = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dead.bind(("127.0.0.1", 0))  # bound but never answering
    try:
        (media / "third.mkv").write_bytes(os.urandom(5000))
        env = clean_env(tmp_path, ANIDB_SERVER=f"127.0.0.1:{dead.getsockname()[1]}",
                        ANIDB_USERNAME="mika", ANIDB_PASSWORD="secret", ANIDB_LOCAL_PORT=0,
                        ANIDB_INTERVAL_SCALE="0.01", ANIDB_TIMEOUT_MS=100, ANIDB_RETRIES=2,
                        ANIDB_GIVE_UP_MS=500)
        files = [str(media / name) for name, *_ in EPISODES] + [str(media / "third.mkv")]
        proc = run(["identify", "-f", "jsonl", *files], tmp_path, env=env)
        assert proc.returncode == 4, (proc.stdout, proc.stderr)
        records = [json.loads(line) for line in proc.stdout.splitlines()]
        assert sorted(r["path"] for r in records) == sorted(files)
        assert len({r["error"] for r in records}) == 1, records  # one cause for every file
        dead.setblocking(False)
        sent = []
        while True:
            try:
                sent.append(dead.recv(65536))
            except BlockingIOError:
                break
        assert all(d.startswith(b"AUTH ") for d in sent), sent  # only the one login was tried
        assert 1 <= len(sent) <= 3, sent
    finally:
        dead.close()


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_ctrl_c_ends_the_wait_for_a_reply_at_once(tmp_path, media):  # noqa: F811
    fake = FakeAnidb(tmp_path, media, extra_args=("--fault", "silence"))
    try:
        env = anidb_env(tmp_path, fake, ANIDB_TIMEOUT_MS=60000)
        proc = subprocess.Popen([CLI, "identify", str(media / EPISODES[0][0])], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for(lambda: datagrams(fake, "AUTH") >= 1)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        began = time.monotonic()
        out, err = proc.communicate(timeout=30)
        print(f"SIGINT to exit during a reply wait: {time.monotonic() - began:.3f} s")
        assert proc.returncode == 130, (out, err)
    finally:
        fake.stop()


def test_ctrl_c_ends_the_wait_for_another_program(tmp_path, media):  # noqa: F811
    fake = FakeAnidb(tmp_path, media)
    host = tmp_path / "host"
    host.mkdir(mode=0o700)
    holder = os.open(host / "state", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another AniDB program is mid-exchange
    try:
        env = dict(anidb_env(tmp_path, fake), ANIDB_HOST_STATE_DIR=str(host))
        master, slave = pty.openpty()  # a terminal: the wait is announced
        proc = subprocess.Popen([CLI, "identify", str(media / EPISODES[0][0])], env=env,
                                stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        seen = b""
        deadline = time.monotonic() + 60
        while b"waiting for another AniDB program" not in seen:
            assert time.monotonic() < deadline, seen
            if select.select([master], [], [], 0.1)[0]:
                seen += os.read(master, 4096)
        proc.send_signal(signal.SIGINT)
        began = time.monotonic()
        proc.communicate(timeout=30)
        print(f"SIGINT to exit during a lock wait: {time.monotonic() - began:.3f} s")
        os.close(master)
        assert proc.returncode == 130
        assert datagrams(fake, "AUTH") == 0  # it never got its turn
    finally:
        os.close(holder)
        fake.stop()


def test_ban_reason_is_escaped_everywhere_and_honoured_later(tmp_path, media):  # noqa: F811
    fake = FakeAnidb(tmp_path, media, extra_args=("--fault", "555@FILE"))
    try:
        env = anidb_env(tmp_path, fake)
        first = run(["identify", str(media / EPISODES[0][0])], tmp_path, env=env)
        assert first.returncode == 3, (first.stdout, first.stderr)
        for stream in (first.stdout, first.stderr):
            assert b"\x1b" not in stream and b"\x07" not in stream
        assert b"\\x1b]0;pwned" in first.stdout + first.stderr
        stored = (tmp_path / "anidb-host" / "state").read_bytes()
        assert b"\x1b" not in stored and b"injected ban" in stored
        sent = len(log_records(fake))
        second = run(["identify", str(media / EPISODES[1][0])], tmp_path, env=env)
        assert second.returncode == 3
        assert b"\x1b" not in second.stdout + second.stderr
        assert b"not sending to AniDB before" in second.stdout + second.stderr
        assert len(log_records(fake)) == sent  # the ban is honoured: nothing sent
        status = run(["session", "status"], tmp_path, env=env, check_rc=0)
        assert b"cool-down:" in status.stdout and b"\x1b" not in status.stdout
    finally:
        fake.stop()


def mode(path):
    return os.stat(path).st_mode & 0o7777


def test_private_files_are_private_under_umask_000(tmp_path, media):  # noqa: F811
    fake = FakeAnidb(tmp_path, media)
    try:
        cache = tmp_path / "existing-cache"
        cache.mkdir()
        os.chmod(cache, 0o755)
        env = anidb_env(tmp_path, fake, ANIDB_CACHE_DIR=str(cache))
        one = str(media / EPISODES[0][0])
        proc = subprocess.run([CLI, "rename", "--template", "{anime} - {episode}", one], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                              preexec_fn=lambda: os.umask(0))
        assert proc.returncode == 0, (proc.stdout, proc.stderr)
        assert mode(cache / "anidb.db") == 0o600
        undo_dir = tmp_path / "xdg-state" / "anidb" / "undo"
        scripts = list(undo_dir.iterdir())
        assert len(scripts) == 1 and mode(scripts[0]) == 0o600
        assert mode(undo_dir) == 0o700 and mode(undo_dir.parent) == 0o700
        host = tmp_path / "anidb-host"
        assert mode(host) == 0o700 and mode(host / "state") == 0o600
    finally:
        assert " 0 flood violations" in fake.stop()


def test_unusable_cache_folder_does_not_stop_anidb(tmp_path, media):  # noqa: F811
    fake = FakeAnidb(tmp_path, media)
    try:
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("x")
        env = anidb_env(tmp_path, fake, ANIDB_CACHE_DIR=str(blocker / "cache"))
        proc = run(["identify", "-f", "json", str(media / EPISODES[0][0])], tmp_path, env=env)
        assert proc.returncode == 0, (proc.stdout, proc.stderr)
        assert json.loads(proc.stdout)[0]["file_id"] == EPISODES[0][1]
        assert b"working without the cache" in proc.stderr
    finally:
        assert " 0 flood violations" in fake.stop()


def test_mylist_add_never_uses_the_servers_ed2k(tmp_path, media):  # noqa: F811
    fake = FakeAnidb(tmp_path, media, extra_args=("--fault", "other-file@FILE"))
    try:
        env = anidb_env(tmp_path, fake)
        proc = run(["mylist", "add", "--state", "hdd", str(media / EPISODES[0][0])], tmp_path, env=env)
        assert proc.returncode == 4, (proc.stdout, proc.stderr)  # a protocol error, not a usage error
        assert re.search(rb": FAILED: FILE: AniDB's reply is not about what was asked", proc.stdout)
        assert datagrams(fake, "MYLISTADD") == 0
    finally:
        assert " 0 flood violations" in fake.stop()
