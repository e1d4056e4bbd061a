"""The command on a real (pseudo-)terminal, read back through the pyte
terminal emulator: the live status area on stderr, result lines printed
above it and never mixed with it, the AniDB state while identify waits,
colours only on a terminal and never with NO_COLOR, a final summary line."""
import os
import pty
import re
import select
import subprocess

import pytest

from conftest import CLI, EPISODES, FAKE, FakeAnidb, anidb_env, run

pyte = pytest.importorskip("pyte")

COLUMNS, LINES = 100, 40
SGR = re.compile(rb"\x1b\[[0-9;]*m")


def run_on_terminal(args, env, cwd=None, columns=COLUMNS, lines=LINES):
    """Runs the CLI with stdout and stderr on one pseudo-terminal, as in an
    interactive shell. Returns (exit code, raw bytes, pyte screen lines)."""
    master, slave = pty.openpty()
    import fcntl
    import struct
    import termios
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    proc = subprocess.Popen([CLI] + args, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env,
                            cwd=cwd)
    os.close(slave)
    raw = b""
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        raw += chunk
    os.close(master)
    code = proc.wait(timeout=60)
    screen = pyte.Screen(columns, lines)
    stream = pyte.ByteStream(screen)
    stream.feed(raw)
    shown = [line.rstrip() for line in screen.display]
    while shown and not shown[-1]:
        shown.pop()
    return code, raw, shown


def make_library(root, count=6, size=3 * 1024 * 1024):
    os.makedirs(root / "Specials")
    for i in range(count):
        (root / f"[Grp] Show - {i:02} [ABCD1234].mkv").write_bytes(os.urandom(size + i))
    (root / "Specials" / "big movie.mkv").write_bytes(os.urandom(2 * size))


def test_results_are_printed_above_the_status_area_never_into_it(tmp_path, env):
    root = tmp_path / "lib"
    make_library(root)
    env = dict(env, TERM="xterm-256color")
    code, raw, screen = run_on_terminal(["hash", "-r", "--no-cache", "-j", "1", "."], env, cwd=root)
    assert code == 0, raw
    assert b"%" in raw  # the status area was drawn
    results = [l for l in screen if re.fullmatch(r"[0-9a-f]{32}  \./.*\.mkv", l)]
    assert len(results) == 7, screen
    # Nothing but result lines and the summary line remain: no bar residue,
    # no result glued to a bar.
    others = [l for l in screen if l not in results]
    assert len(others) == 1 and re.search(r"7 files.* in ", others[0]), screen
    assert not any("%" in l or "MiB/s" in l for l in results)


def test_identify_shows_the_anidb_state_and_keeps_lines_clean(tmp_path, media):
    # Each reply takes 300 ms, so the status area is drawn while AniDB is asked;
    # packets 0.5 s apart (a quarter of AniDB's 2 s), so each one after the
    # first waits for its send slot.
    server = FakeAnidb(tmp_path, media, extra_args=("--delay-ms", "300"))
    try:
        env = dict(anidb_env(tmp_path, server, ANIDB_INTERVAL_SCALE="0.25"), TERM="xterm")
        files = [str(media / name) for name, *_ in EPISODES]
        code, raw, screen = run_on_terminal(["identify", *files], env, columns=300)
    finally:
        server.stop()
    assert code == 0, raw
    plain = SGR.sub(b"", raw)
    assert b"AniDB" in plain and b"FILE" in plain, plain  # the AniDB line of the status area
    # The client's network-wait event: the packet's send slot and when it leaves.
    assert b"FILE waiting for AniDB (2 s between requests): leaves in" in plain, plain
    identified = [l for l in screen if "Aozora Kikou - 0" in l]
    assert len(identified) == 2, screen
    assert all(l.startswith(str(media)) for l in identified), screen
    assert any(re.search(r"2 files.*2 identified", l) for l in screen), screen


def test_colours_only_on_a_terminal_and_never_with_no_color(tmp_path, env):
    root = tmp_path / "lib"
    os.makedirs(root)
    (root / "a.mkv").write_bytes(os.urandom(5000))
    (root / "b.mkv").write_bytes(os.urandom(5000))
    listing = run(["hash", "-f", "sfv", "a.mkv", "b.mkv"], tmp_path, cwd=root, env=env, check_rc=0).stdout
    (root / "list.sfv").write_bytes(listing + b"gone.mkv 00000000\n")
    env = dict(env, TERM="xterm")
    code, raw, screen = run_on_terminal(["check", "list.sfv"], env, cwd=root)
    assert code == 1
    assert SGR.search(raw), raw  # OK / MISSING coloured on a terminal
    assert "a.mkv: OK" in screen and "gone.mkv: MISSING" in screen, screen
    code, raw, _ = run_on_terminal(["check", "list.sfv"], dict(env, NO_COLOR="1"), cwd=root)
    assert code == 1 and not SGR.search(raw), raw
    piped = run(["check", "list.sfv"], tmp_path, cwd=root, env=env)
    assert not SGR.search(piped.stdout + piped.stderr)


def test_the_status_area_never_wraps_on_a_narrow_terminal(tmp_path, env):
    root = tmp_path / "lib"
    make_library(root, count=3)
    long_name = root / ("A very long episode name that does not fit on a narrow terminal at all " * 2 + ".mkv")
    long_name.write_bytes(os.urandom(4 * 1024 * 1024))
    code, raw, screen = run_on_terminal(["hash", "-r", "--no-cache", "-j", "1", "."], dict(env, TERM="xterm"),
                                        cwd=root, columns=40)
    assert code == 0, raw
    # Result lines wrap (they are long), but every line the emulator shows is
    # part of a result or of the summary: the area left nothing behind.
    assert not any("%" in l or "ETA" in l for l in screen), screen


def test_ctrl_c_message_stays_visible_above_the_status_area(tmp_path, media):
    import signal
    import time
    server = FakeAnidb(tmp_path, media, extra_args=("--delay-ms", "3000"))
    try:
        env = dict(anidb_env(tmp_path, server, ANIDB_TIMEOUT_MS=20000), TERM="xterm")
        master, slave = pty.openpty()
        proc = subprocess.Popen([CLI, "identify", *[str(media / n) for n, *_ in EPISODES]], stdin=subprocess.DEVNULL,
                                stdout=slave, stderr=slave, env=env)
        os.close(slave)
        raw = b""
        deadline = time.monotonic() + 30
        signalled = False
        while True:
            if not signalled and (b"%" in raw or time.monotonic() > deadline):
                proc.send_signal(signal.SIGINT)  # once the status area is up
                signalled = True
            if not select.select([master], [], [], 1 if not signalled else 30)[0]:
                if signalled:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            raw += chunk
        os.close(master)
        assert proc.wait(timeout=60) == 130
    finally:
        server.stop()
    screen = pyte.Screen(COLUMNS, LINES)
    pyte.ByteStream(screen).feed(raw)
    shown = [line.rstrip() for line in screen.display]
    assert any(line.startswith("anidb: interrupted") for line in shown), shown
    assert not any(line.startswith("AniDB ") or "%" in line for line in shown), shown
