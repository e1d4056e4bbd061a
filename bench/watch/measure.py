#!/usr/bin/env python3
"""Figures of `anidb watch` (issue 17), not run by CI:

  idle    idle CPU time over SECONDS and the peak RSS of a watcher over
          DIRS watched folders (a tree of 100-folder levels), from
          /proc/PID/stat (utime+stime) and /proc/PID/status (VmHWM, VmRSS)
  latency the time from "file complete" (the writer closes it) to "renamed"
          (the log line) for one file of MIB MiB, against the fake AniDB
          server, with --settle SETTLE; the part after the settle time is
          printed too

  python3 bench/watch/measure.py idle --dirs 10000 --seconds 60
  python3 bench/watch/measure.py latency --mib 200 --settle 1

ANIDB_CLI (default build/release/cli/anidb), FAKE_ANIDB and ANIDB_RHASH as
for the e2e tests.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("ANIDB_CLI", os.path.join(ROOT, "build/release/cli/anidb"))
FAKE = os.environ.get("FAKE_ANIDB", os.path.join(ROOT, "build/release/tests/support/fake_anidb/fake-anidb"))
RHASH = os.environ.get("ANIDB_RHASH") or shutil.which("rhash") or "rhash"
TICK = os.sysconf("SC_CLK_TCK")


def env_for(tmp, server=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANIDB_")}
    env.update(ANIDB_HOST_STATE_DIR=f"{tmp}/host", XDG_CONFIG_HOME=f"{tmp}/cfg", XDG_DATA_HOME=f"{tmp}/data",
               XDG_STATE_HOME=f"{tmp}/state", HOME=f"{tmp}/home")
    if server:
        env.update(ANIDB_SERVER=server, ANIDB_USERNAME="mika", ANIDB_PASSWORD="secret", ANIDB_LOCAL_PORT="0",
                   ANIDB_INTERVAL_SCALE="0.01", ANIDB_CLIENT_NAME="anidbtest", ANIDB_TIMEOUT_MS="2000")
    return env


def cpu_ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def status_kib(pid, key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return -1


def wait_line(path, text, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) and text in open(path, errors="replace").read():
            return time.monotonic()
        time.sleep(0.002)
    sys.exit(f"no {text!r} in {path}")


def idle(args):
    tmp = tempfile.mkdtemp(prefix="anidb-watch-idle-")
    try:
        root = os.path.join(tmp, "tree")
        os.makedirs(root)
        made, k = 1, 0  # the root counts as one
        while made < args.dirs:
            top = os.path.join(root, f"{k // 100:03d}")
            if k % 100 == 0:
                os.mkdir(top)
                made += 1
            if made < args.dirs:
                os.mkdir(os.path.join(top, f"{k % 100:03d}"))
                made += 1
            k += 1
        folders = sum(1 for _ in os.walk(root))
        log = os.path.join(tmp, "watch.log")
        with open(log, "wb") as err:
            proc = subprocess.Popen([CLI, "watch", root, "--settle", "1"], env=env_for(tmp),
                                    stdout=subprocess.DEVNULL, stderr=err)
        wait_line(log, "scanned ")  # attached and scanned: idle from here
        before = cpu_ticks(proc.pid)
        time.sleep(args.seconds)
        after = cpu_ticks(proc.pid)
        print(f"folders watched: {folders}")
        print(f"idle CPU over {args.seconds} s: {(after - before) * 1000 // TICK} ms "
              f"({after - before} ticks of 1/{TICK} s)")
        print(f"startup CPU (attach + scan): {before * 1000 // TICK} ms")
        print(f"VmHWM {status_kib(proc.pid, 'VmHWM')} KiB, VmRSS {status_kib(proc.pid, 'VmRSS')} KiB")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def latency(args):
    tmp = tempfile.mkdtemp(prefix="anidb-watch-latency-")
    fake = None
    try:
        src = os.path.join(tmp, "source.mkv")
        with open(src, "wb") as f:
            for _ in range(args.mib):
                f.write(os.urandom(1 << 20))
        ed2k, crc, size = subprocess.run([RHASH, "--printf=%{ed2k} %{crc32} %s", src], stdout=subprocess.PIPE,
                                         check=True).stdout.decode().split()
        catalog = os.path.join(tmp, "catalog.txt")
        with open(catalog, "w") as c:
            c.write('anime aid=3131 romaji_name="Aozora Kikou" episodes=12 year=2019 type="TV Series"\n'
                    'group gid=777 name="Northwind Subs" short_name=NWS\nuser name=mika pass=secret\n'
                    f"file fid=1003 aid=3131 eid=55503 gid=777 size={size} ed2k={ed2k} crc32={crc} state=1\n"
                    'episode eid=55503 aid=3131 epno=03 english="The Map" length=24\n')
        port_file = os.path.join(tmp, "port")
        fake = subprocess.Popen([FAKE, "--port", "0", "--port-file", port_file, "--catalog", catalog,
                                 "--flood-interval-ms", "10"], stdout=subprocess.DEVNULL)
        while not os.path.exists(port_file):
            time.sleep(0.01)
        server = "127.0.0.1:" + open(port_file).read().strip()
        incoming, library = os.path.join(tmp, "in"), os.path.join(tmp, "lib")
        os.makedirs(incoming)
        log = os.path.join(tmp, "watch.log")
        with open(log, "wb") as err:
            proc = subprocess.Popen([CLI, "watch", incoming, "--settle", str(args.settle), "--then",
                                     "mylist-add,rename", "--template", "{anime} - {episode}", "--dest", library],
                                    env=env_for(tmp, server), stdout=subprocess.DEVNULL, stderr=err)
        wait_line(log, "with inotify")
        # Written in 1 MiB pieces, like a copy; complete when it is closed.
        with open(src, "rb") as s, open(os.path.join(incoming, "Episode 03.mkv"), "wb") as d:
            shutil.copyfileobj(s, d, 1 << 20)
        closed = time.monotonic()
        taken = wait_line(log, "complete:")
        renamed = wait_line(log, "renamed:")
        print(f"file: {args.mib} MiB, settle {args.settle} s")
        print(f"closed -> complete (settle detection): {(taken - closed) * 1000:.0f} ms")
        print(f"complete -> renamed (hash, FILE, MYLISTADD, rename): {(renamed - taken) * 1000:.0f} ms")
        print(f"closed -> renamed: {(renamed - closed) * 1000:.0f} ms")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if fake:
            fake.send_signal(signal.SIGTERM)
            fake.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    i = sub.add_parser("idle")
    i.add_argument("--dirs", type=int, default=10000)
    i.add_argument("--seconds", type=int, default=60)
    lat = sub.add_parser("latency")
    lat.add_argument("--mib", type=int, default=200)
    lat.add_argument("--settle", type=float, default=1.0)
    args = p.parse_args()
    idle(args) if args.what == "idle" else latency(args)


if __name__ == "__main__":
    main()
