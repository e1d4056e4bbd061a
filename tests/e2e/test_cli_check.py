"""anidb check: SFV, md5sum, sha1sum, BSD and ed2k-link lists with a corrupted and a missing file."""
import os
import subprocess

from conftest import RHASH, run


def make_files(root):
    os.makedirs(root / "sub")
    names = ["a.mkv", "b c.mkv", "sub/d.mkv", "gone.mkv"]
    for i, name in enumerate(names):
        (root / name).write_bytes(os.urandom(20000 + i))
    return names


def corrupt_and_remove(root):
    data = bytearray((root / "b c.mkv").read_bytes())
    data[100] ^= 0xFF
    st = os.stat(root / "b c.mkv")
    (root / "b c.mkv").write_bytes(bytes(data))
    os.utime(root / "b c.mkv", ns=(st.st_atime_ns, st.st_mtime_ns))  # bit rot keeps the mtime
    os.remove(root / "gone.mkv")


def verdicts(stdout):
    out = {}
    for line in stdout.decode().splitlines():
        name, _, verdict = line.rpartition(": ")
        if name == "":
            name, _, verdict = line.partition(": ")
        out[name.split(": ")[0]] = verdict.split(" ")[0]
    return out


def expect_verdicts(proc, prefix="", links=False):
    assert proc.returncode == 1, proc.stderr
    v = {k.removeprefix(prefix): val for k, val in verdicts(proc.stdout).items()}
    expected = {"a.mkv": "OK", "b c.mkv": "FAILED", "sub/d.mkv": "OK", "gone.mkv": "MISSING"}
    if links:  # an ed2k link carries the base name only: sub/d.mkv is looked for next to the list
        del expected["sub/d.mkv"]
        expected["d.mkv"] = "MISSING"
    assert v == expected, proc.stdout
    assert b"FAILED" in proc.stderr and b"MISSING" in proc.stderr


def test_check_lists_written_by_rhash_and_coreutils(tmp_path, env):
    root = tmp_path / "files"
    names = make_files(root)
    lists = {
        "list.sfv": [RHASH, "--sfv"] + names,
        "list.md5": ["md5sum"] + names,
        "list.sha1": ["sha1sum"] + names,
        "list.bsd": [RHASH, "--bsd", "--sha1", "--tth", "--crc32"] + names,
        "links.txt": [RHASH, "--ed2k-link"] + names,
    }
    for list_name, cmd in lists.items():
        (root / list_name).write_bytes(subprocess.run(cmd, cwd=root, stdout=subprocess.PIPE, check=True).stdout)
    ok = run(["check", str(root / "list.md5")], tmp_path, env=env, check_rc=0)
    assert ok.stdout.count(b": OK") == 4
    corrupt_and_remove(root)
    for list_name in lists:
        # From another folder: names are relative to the list.
        proc = run(["check", str(root / list_name)], tmp_path, cwd=tmp_path, env=env)
        expect_verdicts(proc, prefix=str(root) + "/", links=list_name == "links.txt")


def test_check_reads_back_our_own_lists_with_odd_names(tmp_path, env):
    root = tmp_path / "files"
    os.makedirs(root)
    for name in [b"new\nline.mkv", b"back\\slash.mkv", b"pipe|pct%.mkv"]:
        with open(os.path.join(os.fsencode(root), name), "wb") as f:
            f.write(os.urandom(3000))
    for fmt, algo in [("bsd", "sha1"), ("text", "md5"), ("ed2k", "ed2k")]:
        out = run(["hash", "-a", algo, "-f", fmt, "-r", "."], tmp_path, cwd=root, env=env, check_rc=0).stdout
        (root / f"list-{fmt}.txt").write_bytes(out)
        proc = run(["check", f"list-{fmt}.txt"], tmp_path, cwd=root, env=env, check_rc=0)
        assert proc.stdout.count(b": OK") == 3, proc.stdout


def test_quiet_check_prints_only_problems_and_junk_lines_fail(tmp_path, env):
    root = tmp_path / "files"
    make_files(root)
    (root / "list.md5").write_bytes(subprocess.run(["md5sum", "a.mkv", "gone.mkv"], cwd=root,
                                                   stdout=subprocess.PIPE, check=True).stdout)
    os.remove(root / "gone.mkv")
    proc = run(["-q", "check", str(root / "list.md5")], tmp_path, env=env)
    assert proc.returncode == 1
    assert b"a.mkv" not in proc.stdout and b"gone.mkv: MISSING" in proc.stdout
    (root / "junk.txt").write_text("hello world\n")
    assert run(["check", str(root / "junk.txt")], tmp_path, env=env).returncode == 1
    assert run(["check", str(root / "nonexistent.sfv")], tmp_path, env=env).returncode == 2
