"""anidb hash: every format parsed back and compared with rhash."""
import base64
import csv
import io
import json
import os
import subprocess

import pytest

from conftest import CLI, RHASH, run, unreadable_file  # noqa: F401 (fixture)

ODD_NAMES = [
    b"plain.mkv",
    b"with space.mkv",
    "Ünïcödé – 日本語.mkv".encode(),
    b"comma,quote\"pipe|pct%.mkv",
    b"new\nline.mkv",
    b"back\\slash.mkv",
    b"bad\xffbyte.mkv",
]


def make_tree(root):
    """A tree with odd names, a sub-folder, a non-media file and an empty file."""
    os.makedirs(root / "sub" / "deeper")
    files = {}
    for i, name in enumerate(ODD_NAMES):
        path = os.path.join(os.fsencode(root), name)
        with open(path, "wb") as f:
            f.write(os.urandom(1000 + i * 4099))
        files[name] = path
    big = os.path.join(os.fsencode(root), b"sub", b"deeper", b"two-chunks.mkv")
    with open(big, "wb") as f:  # crosses an ED2K chunk boundary
        f.write(os.urandom(9728000 + 12345))
    files[b"sub/deeper/two-chunks.mkv"] = big
    empty = os.path.join(os.fsencode(root), b"sub", b"empty.mkv")
    open(empty, "wb").close()
    files[b"sub/empty.mkv"] = empty
    with open(os.path.join(os.fsencode(root), b"notes.txt"), "wb") as f:
        f.write(b"not media")
    return files


def rhash_of(path):
    """{algorithm: digest} from rhash for one file (the oracle)."""
    # Through stdin: rhash turns '\\' in names into '/'.
    with open(path, "rb") as f:
        out = subprocess.run([RHASH, "--printf=%{ed2k} %{crc32} %{md5} %{sha1} %{tth}\\n", "-"],
                             stdin=f, stdout=subprocess.PIPE, check=True).stdout.split()
    keys = ["ed2k", "crc32", "md5", "sha1", "tth"]
    return {k: v.decode().lower() for k, v in zip(keys, out)}


def path_bytes(obj):
    return base64.b64decode(obj["path_base64"]) if "path_base64" in obj else obj["path"].encode()


def test_json_and_jsonl_match_rhash_for_a_tree_with_odd_names(tmp_path, env):
    root = tmp_path / "tree"
    files = make_tree(root)
    proc = run(["hash", "-r", "-a", "all", "-f", "json", str(root)], tmp_path, env=env, check_rc=0)
    assert proc.stderr == b""  # no progress bar when stderr is not a terminal
    objects = json.loads(proc.stdout)
    assert len(objects) == len(files)  # notes.txt is not a media file
    for obj in objects:
        path = path_bytes(obj)
        expected = rhash_of(path)
        assert obj["size"] == os.path.getsize(path)
        for algo in ["ed2k", "crc32", "md5", "sha1"]:
            assert obj[algo] == expected[algo], (path, algo)
        assert obj["tth"].lower() == expected["tth"]
    assert sorted(path_bytes(o) for o in objects) == sorted(files.values())

    proc = run(["hash", "-r", "-f", "jsonl", str(root)], tmp_path, env=env, check_rc=0)
    lines = proc.stdout.splitlines()
    assert len(lines) == len(files)
    for line in lines:
        obj = json.loads(line)
        assert set(obj) - {"path_base64"} == {"path", "size", "ed2k"}
        assert obj["ed2k"] == rhash_of(path_bytes(obj))["ed2k"]


def test_csv_round_trips_names_with_commas_quotes_and_newlines(tmp_path, env):
    root = tmp_path / "tree"
    files = make_tree(root)
    proc = run(["hash", "-r", "-a", "md5,crc32", "-f", "csv", str(root)], tmp_path, env=env, check_rc=0)
    text = proc.stdout.decode("utf-8", "surrogateescape")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["path", "size", "md5", "crc32", "error"]
    assert len(rows) == len(files) + 1
    for path, size, md5, crc, error in rows[1:]:
        raw = path.encode("utf-8", "surrogateescape")
        expected = rhash_of(raw)
        assert (int(size), md5, crc, error) == (os.path.getsize(raw), expected["md5"], expected["crc32"], "")


def test_sfv_is_verified_by_rhash(tmp_path, env):
    root = tmp_path / "tree"
    files = make_tree(root)
    proc = run(["hash", "-r", "-f", "sfv", "."], tmp_path, cwd=root, env=env)
    # The one name with a line break cannot be written in SFV: reported, exit 1.
    assert proc.returncode == 1
    assert b"SFV cannot represent" in proc.stderr
    (root / "list.sfv").write_bytes(proc.stdout)
    check = subprocess.run([RHASH, "-c", "list.sfv"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # rhash reads '\\' in SFV names as a folder separator (SFV comes from
    # Windows), so it cannot find "back\\slash.mkv"; every other name verifies.
    assert b"Errors:0   Miss:1   Success:%d" % (len(files) - 2) in check.stdout, check.stdout
    assert b"back\\slash.mkv" in check.stdout
    assert proc.stdout.count(b"\n") == len(files) - 1 + 1  # + the comment line
    ours = run(["check", "list.sfv"], tmp_path, cwd=root, env=env, check_rc=0)
    assert ours.stdout.count(b": OK") == len(files) - 1


def test_bsd_and_text_are_verified_by_md5sum_and_sha1sum(tmp_path, env):
    root = tmp_path / "tree"
    make_tree(root)
    for algo, tool in [("md5", "md5sum"), ("sha1", "sha1sum")]:
        bsd = run(["hash", "-r", "-a", algo, "-f", "bsd", "."], tmp_path, cwd=root, env=env, check_rc=0)
        (root / "list.bsd").write_bytes(bsd.stdout)
        check = subprocess.run([tool, "-c", "--strict", "list.bsd"], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
        assert check.returncode == 0, check.stdout + check.stderr
        text = run(["hash", "-r", "-a", algo, "-f", "text", "."], tmp_path, cwd=root, env=env, check_rc=0)
        (root / "list.txt").write_bytes(text.stdout)
        check = subprocess.run([tool, "-c", "--strict", "list.txt"], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
        assert check.returncode == 0, check.stdout + check.stderr


def test_bsd_with_every_algorithm_is_verified_by_rhash(tmp_path, env):
    root = tmp_path / "tree"
    os.makedirs(root)
    for name in ["a b.mkv", "c.mkv"]:
        (root / name).write_bytes(os.urandom(5000))
    bsd = run(["hash", "-a", "all", "-f", "bsd", "a b.mkv", "c.mkv"], tmp_path, cwd=root, env=env, check_rc=0)
    assert bsd.stdout.count(b"\n") == 10
    (root / "all.bsd").write_bytes(bsd.stdout)
    check = subprocess.run([RHASH, "-c", "all.bsd"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert check.returncode == 0, check.stdout + check.stderr


def test_ed2k_links_match_rhash(tmp_path, env):
    root = tmp_path / "tree"
    files = make_tree(root)
    proc = run(["hash", "-r", "-f", "ed2k", str(root)], tmp_path, env=env, check_rc=0)
    ours = sorted(proc.stdout.splitlines())
    theirs = []
    for path in files.values():
        if b"\\" in os.path.basename(path):
            continue  # rhash reads '\\' in a name as a folder separator
        link = subprocess.run([RHASH, "--ed2k-link", path], stdout=subprocess.PIPE, check=True).stdout.strip()
        # rhash appends the AICH/TTH field; ours carries name, size and hash only.
        fields = link.split(b"|")
        theirs.append(b"|".join(fields[:5]) + b"|/")
    assert [l for l in ours if b"back%5cslash" not in l] == sorted(theirs)
    # The backslash name: percent-encoded, hash from rhash over stdin.
    link = [l for l in ours if b"back%5cslash" in l][0].split(b"|")
    path = files[b"back\\slash.mkv"]
    assert link[2] == b"back%5cslash.mkv" and int(link[3]) == os.path.getsize(path)
    assert link[4].decode() == rhash_of(path)["ed2k"]


def test_filters_include_exclude_and_all_files(tmp_path, env):
    root = tmp_path / "tree"
    make_tree(root)
    def names(*args):
        proc = run(["hash", "-f", "jsonl", *args, str(root)], tmp_path, env=env, check_rc=0)
        return sorted(os.path.basename(path_bytes(json.loads(l))) for l in proc.stdout.splitlines())
    assert b"notes.txt" not in names("-r")
    assert b"notes.txt" in names("-r", "--all-files")
    assert names("-r", "--include", "*.txt") == [b"notes.txt"]
    excluded = names("-r", "--exclude", "sub", "--exclude", "*space*")
    assert b"two-chunks.mkv" not in excluded and b"with space.mkv" not in excluded
    assert b"plain.mkv" in excluded
    # Globs from the config file apply too.
    cfg = tmp_path / "xdg-config" / "anidb"
    os.makedirs(cfg)
    (cfg / "config.toml").write_text('[hash]\nexclude = ["*.mkv"]\ninclude = ["*"]\n')
    assert names("-r") == [b"notes.txt"]


def test_cache_is_used_and_no_cache_rehashes(tmp_path, env):
    root = tmp_path / "tree"
    os.makedirs(root)
    (root / "a.mkv").write_bytes(os.urandom(100000))
    first = run(["hash", "-f", "json", str(root / "a.mkv")], tmp_path, env=env, check_rc=0)
    stats = run(["cache", "stats"], tmp_path, env=env, check_rc=0)
    assert b"hash entries:  1" in stats.stdout
    second = run(["hash", "-f", "json", "--no-cache", "-j", "2", "--io-jobs-per-device", "1",
                  str(root / "a.mkv")], tmp_path, env=env, check_rc=0)
    assert json.loads(first.stdout) == json.loads(second.stdout)
    run(["cache", "vacuum"], tmp_path, env=env, check_rc=0)
    run(["cache", "clear"], tmp_path, env=env, check_rc=0)
    assert b"hash entries:  0" in run(["cache", "stats"], tmp_path, env=env, check_rc=0).stdout


def test_missing_files_and_directories_without_r_fail_with_1(tmp_path, env):
    root = tmp_path / "tree"
    os.makedirs(root)
    (root / "a.mkv").write_bytes(b"x")
    proc = run(["hash", "-f", "json", str(root / "a.mkv"), str(root / "nope.mkv"), str(root)], tmp_path, env=env)
    assert proc.returncode == 1
    assert len(json.loads(proc.stdout)) == 1
    assert b"nope.mkv" in proc.stderr and b"-r" in proc.stderr


def test_bad_flags_exit_2_with_a_helpful_message(tmp_path, env):
    for args, needle in [(["hash", "--format", "xml", "x"], b"xml"),
                         (["hash", "-a", "md4", "x.mkv"], b"md4"),
                         (["hash", "-a", "md5", "-f", "sfv", "x.mkv"], b"sfv"),
                         (["hash", "--bogus", "x"], b"bogus"),
                         (["frobnicate"], b"frobnicate"),
                         ([], b"")]:
        proc = run(args, tmp_path, env=env)
        assert proc.returncode == 2, (args, proc.stderr)
        assert needle in proc.stderr
        assert proc.stdout == b""


def test_help_and_version(tmp_path, env):
    top = run(["--help"], tmp_path, env=env, check_rc=0).stdout
    for word in [b"hash", b"check", b"identify", b"mylist", b"rename", b"cache", b"config", b"session",
                 b"Exit codes", b"130"]:
        assert word in top
    for cmd in [["hash"], ["check"], ["identify"], ["mylist", "add"], ["rename"], ["cache"], ["config"], ["session"]]:
        out = run(cmd + ["--help"], tmp_path, env=env, check_rc=0).stdout
        assert b"Usage" in out or b"usage" in out.lower()
    assert b"{episode_title}" not in b"" and b"episode_title" in run(["rename", "--help"], tmp_path, env=env).stdout
    assert run(["--version"], tmp_path, env=env, check_rc=0).stdout.startswith(b"anidb ")


def test_progress_bar_only_on_a_terminal(tmp_path, env):
    import pty
    root = tmp_path / "tree"
    os.makedirs(root)
    (root / "big.mkv").write_bytes(os.urandom(3 * 1024 * 1024))
    # Piped: nothing on stderr.
    piped = run(["hash", "--no-cache", str(root / "big.mkv")], tmp_path, env=env, check_rc=0)
    assert piped.stderr == b""
    # stderr on a pseudo-terminal: the bar is drawn there, stdout stays clean.
    master, slave = pty.openpty()
    proc = subprocess.Popen([os.environ.get("ANIDB_CLI", "anidb"), "hash", "--no-cache", str(root / "big.mkv")],
                            stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    out, _ = proc.communicate(timeout=120)
    seen = b""
    try:
        while True:
            chunk = os.read(master, 4096)
            if not chunk:
                break
            seen += chunk
    except OSError:
        pass
    os.close(master)
    assert proc.returncode == 0
    assert out.count(b"\n") == 1 and b"big.mkv" in out
    assert b"%" in seen and b"\x1b[J" in seen  # drawn, then cleared
    quiet = subprocess.run([os.environ.get("ANIDB_CLI", "anidb"), "-q", "hash", str(root / "big.mkv")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert quiet.stderr == b""


def test_out_of_range_numbers_get_a_short_message(tmp_path, env):
    for args in (["hash", "-j", "0", "x.mkv"], ["hash", "--io-jobs-per-device", "0", "x.mkv"],
                 ["check", "-j", "0", "x.sfv"], ["hash", "-j", "-3", "x.mkv"]):
        proc = run(args, tmp_path, env=env)
        assert proc.returncode == 2, (args, proc.stderr)
        first = proc.stderr.splitlines()[0]
        assert len(first) < 120 and b"at least 1" in first, (args, proc.stderr)
        assert b"179769" not in proc.stderr


def test_size_of_an_unreadable_file_is_reported(unreadable_file):
    from conftest import CLI
    path, prefix, env = unreadable_file
    for fmt in ("json", "csv"):
        proc = subprocess.run(prefix + [CLI, "hash", "-f", fmt, str(path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env)
        assert proc.returncode == 1, proc.stderr
        if fmt == "json":
            obj = json.loads(proc.stdout)[0]
            assert obj["size"] == 100000 and "error" in obj, obj
        else:
            row = list(csv.reader(io.StringIO(proc.stdout.decode())))[1]
            assert row[1] == "100000" and row[-1], row


def test_list_options_take_one_value_each(tmp_path, env):
    root = tmp_path / "tree"
    os.makedirs(root / "sub")
    for name in ["a.mkv", "b.mkv", "sub/c.mkv", "sub/n.txt"]:
        (root / name).write_bytes(os.urandom(1000))
    # The files after -a / --include / --exclude are files, not more values.
    proc = run(["hash", "-a", "md5", "a.mkv", "b.mkv"], tmp_path, cwd=root, env=env, check_rc=0)
    assert proc.stdout.count(b"\n") == 2
    proc = run(["hash", "-r", "--include", "*.txt", "sub", "."], tmp_path, cwd=root, env=env, check_rc=0)
    assert proc.stdout.count(b"n.txt") == 2 and b"a.mkv" not in proc.stdout
    proc = run(["hash", "-r", "--exclude", "sub", "."], tmp_path, cwd=root, env=env, check_rc=0)
    assert proc.stdout.count(b"\n") == 2


def test_results_to_a_pipe_or_file_are_written_in_blocks(tmp_path, env):
    """Not one write(2) per file: 40 results leave in one block."""
    import shutil
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed")
    root = tmp_path / "tree"
    os.makedirs(root)
    for i in range(40):
        (root / f"{i:02}.mkv").write_bytes(os.urandom(100 + i))
    log = tmp_path / "strace.log"
    from conftest import CLI
    with open(tmp_path / "out.txt", "wb") as out:
        proc = subprocess.run([strace, "-f", "-e", "trace=write", "-o", str(log), CLI, "hash", "-r", str(root)],
                              stdout=out, stderr=subprocess.PIPE, env=env)
    if proc.returncode != 0 and b"ptrace" in proc.stderr:
        pytest.skip("ptrace is not permitted here")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.txt").read_bytes().count(b"\n") == 40
    writes = [line for line in log.read_text().splitlines() if "write(1," in line]
    assert len(writes) == 1, writes


def test_cache_not_stored_is_a_warning_with_counts_and_hashing_goes_on(tmp_path, env):
    """A full disk (a file size limit: writes fail as on a full disk): every
    hash is printed right, the cache problem is said once on stderr, then
    summed up at the end; exit 0 (no file failed)."""
    import resource
    import signal
    root = tmp_path / "tree"
    root.mkdir()
    for i in range(800):
        (root / f"f{i:04d}.mkv").write_bytes(os.urandom(100 + i))
    # The database first, so that the limit bites on the stores.
    run(["cache", "stats"], tmp_path, env=env, check_rc=0)
    db = tmp_path / "xdg-data" / "anidb" / "anidb.db"
    limit = max(os.path.getsize(db), os.path.getsize(str(db) + "-wal")
                if os.path.exists(str(db) + "-wal") else 0) + 48 * 1024

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    proc = subprocess.run([CLI, "hash", "-r", "-a", "ed2k,crc32", str(root)], env=env,
                          preexec_fn=limited, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=240)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 800
    probe = root / "f0777.mkv"
    want = rhash_of(probe)
    assert f"{want['ed2k']} {want['crc32']}  {probe}" in lines
    warnings = [w for w in proc.stderr.decode().splitlines() if w.startswith("anidb: warning:")]
    assert len(warnings) in (1, 2), proc.stderr
    assert "could not store the hashes of" in warnings[0]
    if len(warnings) == 2:
        assert "files in all were not stored in the cache" in warnings[1]


def test_damaged_cache_entry_is_never_printed(tmp_path, env):
    """A cache value changed behind SQLite's back: the file is hashed again,
    the right hash printed, one warning given."""
    import sqlite3
    f = tmp_path / "show.mkv"
    f.write_bytes(os.urandom(70000))
    run(["hash", str(f)], tmp_path, env=env, check_rc=0)
    db = sqlite3.connect(tmp_path / "xdg-data" / "anidb" / "anidb.db")
    db.execute("UPDATE hash_files SET ed2k = '0123456789abcdef0123456789abcdef'")
    db.commit()
    db.close()
    proc = run(["hash", str(f)], tmp_path, env=env, check_rc=0)
    assert proc.stdout.decode() == f"{rhash_of(f)['ed2k']}  {f}\n"
    warnings = proc.stderr.decode().splitlines()
    assert len(warnings) == 1 and "cache entry corrupt" in warnings[0], proc.stderr
    # Replaced: the next run is quiet and right.
    proc = run(["hash", str(f)], tmp_path, env=env, check_rc=0)
    assert proc.stdout.decode() == f"{rhash_of(f)['ed2k']}  {f}\n"
    assert proc.stderr == b""


def test_path_longer_than_path_max_is_reported(tmp_path, env):
    """hash -r on a tree with a path the system cannot open: named on stderr,
    exit 1, the rest hashed."""
    root = tmp_path / "deep"
    root.mkdir()
    (root / "ok.mkv").write_bytes(b"fine")
    fd = os.open(root, os.O_RDONLY)
    depth = len(str(root))
    while depth <= 4300:
        os.mkdir("d" * 200, dir_fd=fd)
        nxt = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nxt
        depth += 201
    new = os.open("lost.mkv", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd)
    os.write(new, b"x")
    os.close(new)
    os.close(fd)
    proc = run(["hash", "-r", str(root)], tmp_path, env=env, check_rc=1)
    assert str(root / "ok.mkv") in proc.stdout.decode()
    assert b"longer than PATH_MAX" in proc.stderr


def md4(data):
    return subprocess.run([RHASH, "--md4", "--printf=%{md4}", "-"], input=data,
                          stdout=subprocess.PIPE, check=True).stdout.decode().lower()


def ed2k_blue_of(path):
    """The blue ED2K, computed here (rhash prints red only): the chunks' MD4s
    without the MD4 of an empty chunk that red appends after an exact
    multiple; one chunk's MD4 alone is the digest."""
    chunk_hashes = []
    with open(path, "rb") as f:
        while chunk := f.read(9728000):
            chunk_hashes.append(bytes.fromhex(md4(chunk)))
    if len(chunk_hashes) == 1:
        return chunk_hashes[0].hex()
    return md4(b"".join(chunk_hashes))


def test_ed2k_blue_for_an_exact_chunk_in_every_format(tmp_path, env):
    one = tmp_path / "one-chunk.mkv"
    one.write_bytes(os.urandom(9728000))
    small = tmp_path / "small.mkv"
    small.write_bytes(os.urandom(5000))
    red, blue = rhash_of(one)["ed2k"], ed2k_blue_of(one)
    assert red != blue
    # Twice: hashed, then answered from the cache; the same blue both times.
    for _ in range(2):
        text = run(["hash", "-a", "ed2k-blue", str(one), str(small)], tmp_path, env=env,
                   check_rc=0).stdout.decode().splitlines()
        assert text == [f"{blue}  {one}", f"{rhash_of(small)['ed2k']}  {small}"]
    both = run(["hash", "-f", "jsonl", "-a", "ed2k,ed2k-blue", str(one)], tmp_path, env=env,
               check_rc=0).stdout
    assert json.loads(both) == {"path": str(one), "size": 9728000, "ed2k": red,
                                "ed2k-blue": blue}
    csv_out = run(["hash", "-f", "csv", "-a", "ed2k-blue,md5", str(one)], tmp_path, env=env,
                  check_rc=0).stdout.decode()
    assert csv_out.splitlines()[0] == "path,size,md5,ed2k-blue,error"  # blue comes last
    assert f",{blue}," in csv_out
    # Standard input: both variants from the one pass.
    with open(one, "rb") as f:
        piped = run(["hash", "-a", "ed2k,ed2k-blue", "-"], tmp_path, env=env, input=f.read(),
                    check_rc=0).stdout.decode()
    assert piped == f"{red} {blue}  -\n"
    bsd = run(["hash", "-f", "bsd", "-a", "ed2k-blue", str(one)], tmp_path, env=env,
              check_rc=0).stdout.decode()
    assert bsd == f"ED2K-BLUE ({one}) = {blue}\n"
    # Every list `hash` writes with the blue column is verified by `check`.
    for fmt in ["text", "json", "jsonl", "csv", "bsd"]:
        out = run(["hash", "-f", fmt, "-a", "ed2k,ed2k-blue", str(one), str(small)], tmp_path,
                  env=env, check_rc=0).stdout
        listed = tmp_path / f"list.{fmt}"
        listed.write_bytes(out)
        checked = run(["check", str(listed)], tmp_path, env=env, check_rc=0)
        assert checked.stdout.count(b": OK") == 2, (fmt, checked.stdout)
    # A blue list is not satisfied by the red value.
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text(json.dumps({"path": str(one), "ed2k-blue": red}) + "\n")
    run(["check", str(wrong)], tmp_path, env=env, check_rc=1)
    # Formats that cannot carry blue say so.
    for fmt in ["ed2k", "sfv"]:
        bad = run(["hash", "-f", fmt, "-a", "ed2k-blue", str(one)], tmp_path, env=env,
                  check_rc=2)
        assert b"ed2k-blue" in bad.stderr or b"CRC32" in bad.stderr, bad.stderr


def test_ed2k_blue_of_a_cached_file_reads_nothing(tmp_path, env):
    """The cache keeps both ED2K variants: once hashed, `hash -a ed2k-blue` and
    `check --use-cache` answer from it. Shown by changing the bytes behind
    the cache's back (same size, inode and mtime): the cached values come
    back, so the file was not read; without the cache the change is seen."""
    one = tmp_path / "one-chunk.mkv"
    one.write_bytes(os.urandom(9728000))
    red, blue = rhash_of(one)["ed2k"], ed2k_blue_of(one)
    run(["hash", "-a", "ed2k", str(one)], tmp_path, env=env, check_rc=0)
    listed = tmp_path / "list.jsonl"
    listed.write_bytes(run(["hash", "-f", "jsonl", "-a", "ed2k,ed2k-blue", str(one)], tmp_path,
                           env=env, check_rc=0).stdout)
    stamp = os.stat(one)
    with open(one, "r+b") as f:
        f.write(b"changed")
    os.utime(one, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert os.stat(one).st_ino == stamp.st_ino
    cached = run(["hash", "-a", "ed2k,ed2k-blue", str(one)], tmp_path, env=env,
                 check_rc=0).stdout.decode()
    assert cached == f"{red} {blue}  {one}\n"
    checked = run(["check", "--use-cache", str(listed)], tmp_path, env=env, check_rc=0)
    assert checked.stdout.count(b": OK") == 1, checked.stdout
    fresh = run(["hash", "--no-cache", "-a", "ed2k-blue", str(one)], tmp_path, env=env,
                check_rc=0).stdout.decode()
    assert fresh == f"{ed2k_blue_of(one)}  {one}\n" and ed2k_blue_of(one) != blue
    run(["check", str(listed)], tmp_path, env=env, check_rc=1)
