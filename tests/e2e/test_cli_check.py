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


FORMATS = ["text", "json", "jsonl", "csv", "sfv", "ed2k", "bsd"]


def make_library(root):
    """Files with spaces, brackets and a sub-folder, as a collection has them."""
    os.makedirs(root / "Specials")
    for i in range(3):
        (root / f"[Grp] Show - {i:02} [ABCD1234].mkv").write_bytes(os.urandom(20000 + i))
    (root / "Specials" / "big movie.mkv").write_bytes(os.urandom(30000))
    (root / "Ünïcödé 日本語.mkv").write_bytes(os.urandom(1234))
    return 5


def test_every_format_round_trips_through_check_without_flags(tmp_path, env):
    lib = tmp_path / "lib"
    count = make_library(lib)
    for fmt in FORMATS:
        algo = ["-a", "crc32"] if fmt == "sfv" else []
        listing = run(["hash", "-r", "-f", fmt, *algo, "."], tmp_path, cwd=lib, env=env, check_rc=0).stdout
        # Next to the files, checked from there.
        (lib / f"hashes.{fmt}").write_bytes(listing)
        ok = run(["check", f"hashes.{fmt}"], tmp_path, cwd=lib, env=env)
        assert ok.returncode == 0 and ok.stdout.count(b": OK") == count, (fmt, ok.stdout, ok.stderr)
        # The same list checked from another working directory: not found
        # relative to it, found relative to the list's folder.
        other = run(["check", str(lib / f"hashes.{fmt}")], tmp_path, cwd=tmp_path, env=env)
        assert other.returncode == 0 and other.stdout.count(b": OK") == count, (fmt, other.stdout, other.stderr)
        # Through a pipe (`hash ... | check -`), with a changed file: it fails
        # in every format, the others pass.
        data = bytearray((lib / "Specials" / "big movie.mkv").read_bytes())
        data[7] ^= 1
        (lib / "Specials" / "big movie.mkv").write_bytes(bytes(data))
        piped = run(["check", "-"], tmp_path, cwd=lib, env=env, input=listing)
        assert piped.returncode == 1 and b"big movie.mkv: FAILED" in piped.stdout, (fmt, piped.stdout)
        assert piped.stdout.count(b": OK") == count - 1, (fmt, piped.stdout, piped.stderr)
        data[7] ^= 1
        (lib / "Specials" / "big movie.mkv").write_bytes(bytes(data))


def test_default_list_of_hash_is_read_as_ed2k_whatever_its_name(tmp_path, env):
    lib = tmp_path / "lib"
    count = make_library(lib)
    listing = run(["hash", "-r", "."], tmp_path, cwd=lib, env=env, check_rc=0).stdout
    (lib / "hashes.txt").write_bytes(listing)
    proc = run(["check", "hashes.txt"], tmp_path, cwd=lib, env=env)
    assert proc.returncode == 0 and proc.stdout.count(b": OK") == count, (proc.stdout, proc.stderr)
    # Several algorithms on one line (text layout) round-trip too.
    multi = run(["hash", "-r", "-a", "ed2k,md5,crc32", "."], tmp_path, cwd=lib, env=env, check_rc=0).stdout
    proc = run(["check", "-"], tmp_path, cwd=lib, env=env, input=multi)
    assert proc.returncode == 0 and proc.stdout.count(b": OK") == count, (proc.stdout, proc.stderr)


def test_check_resolves_names_like_rhash_and_md5sum(tmp_path, env):
    lib = tmp_path / "lib"
    make_library(lib)
    sfv = subprocess.run([RHASH, "--sfv", "-r", "lib"], cwd=tmp_path, stdout=subprocess.PIPE, check=True).stdout
    (tmp_path / "all.sfv").write_bytes(sfv)
    ours = run(["check", "all.sfv"], tmp_path, cwd=tmp_path, env=env)
    assert ours.returncode == 0, ours.stdout
    # cd lib && check ../list: names relative to the current folder, as rhash -c does.
    listing = subprocess.run([RHASH, "--sfv", "-r", "."], cwd=lib, stdout=subprocess.PIPE, check=True).stdout
    (tmp_path / "lib.sfv").write_bytes(listing)
    theirs = subprocess.run([RHASH, "-c", "../lib.sfv"], cwd=lib, stdout=subprocess.PIPE)
    assert theirs.returncode == 0
    ours = run(["check", "../lib.sfv"], tmp_path, cwd=lib, env=env)
    assert ours.returncode == 0 and ours.stdout.count(b": OK") == 5, (ours.stdout, ours.stderr)


def test_sfv_made_on_windows_with_backslashes(tmp_path, env):
    lib = tmp_path / "lib"
    make_library(lib)
    crc = subprocess.run([RHASH, "--printf=%{crc32}", str(lib / "Specials" / "big movie.mkv")],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    (lib / "win.sfv").write_bytes(b"; made on Windows\r\nSpecials\\big movie.mkv " + crc.encode() + b"\r\n")
    proc = run(["check", "win.sfv"], tmp_path, cwd=lib, env=env)
    assert proc.returncode == 0 and b": OK" in proc.stdout, (proc.stdout, proc.stderr)


def test_hash_of_standard_input(tmp_path, env):
    data = os.urandom(70000)
    (tmp_path / "x.bin").write_bytes(data)
    expected = subprocess.run([RHASH, "--printf=%{ed2k} %{crc32}", str(tmp_path / "x.bin")],
                              stdout=subprocess.PIPE, check=True).stdout.decode().split()
    proc = run(["hash", "-a", "ed2k,crc32", "-"], tmp_path, env=env, input=data, check_rc=0)
    assert proc.stdout == f"{expected[0]} {expected[1]}  -\n".encode(), proc.stdout
    proc = run(["hash", "-f", "json", "-"], tmp_path, env=env, input=data, check_rc=0)
    assert b'"size":70000' in proc.stdout and expected[0].encode() in proc.stdout


def test_check_embedded_crc_in_file_names(tmp_path, env):
    lib = tmp_path / "lib"
    os.makedirs(lib)
    good = lib / "good.mkv"
    good.write_bytes(os.urandom(25000))
    crc = subprocess.run([RHASH, "--printf=%{crc32}", str(good)], stdout=subprocess.PIPE, check=True).stdout.decode()
    os.rename(good, lib / f"[Grp] Show - 01 [{crc.upper()}].mkv")
    (lib / "[Grp] Show - 02 (DEADBEEF).mkv").write_bytes(os.urandom(25000))
    (lib / "Movie without crc.mkv").write_bytes(os.urandom(100))
    proc = run(["check", "--embedded", "-r", "."], tmp_path, cwd=lib, env=env)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    lines = sorted(proc.stdout.decode().splitlines())
    assert lines == ["./Movie without crc.mkv: no CRC", "./[Grp] Show - 01 [%s].mkv: OK" % crc.upper(),
                     "./[Grp] Show - 02 (DEADBEEF).mkv: FAILED"], lines
    ok = run(["check", "--embedded", f"[Grp] Show - 01 [{crc.upper()}].mkv", "Movie without crc.mkv"], tmp_path,
             cwd=lib, env=env)
    assert ok.returncode == 0, ok.stdout  # a name without a CRC is reported, not a failure
    theirs = subprocess.run([RHASH, "--check-embedded", f"[Grp] Show - 01 [{crc.upper()}].mkv"], cwd=lib,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert theirs.returncode == 0  # the same verdict as rhash


def test_hash_update_adds_only_the_files_a_list_lacks(tmp_path, env):
    lib = tmp_path / "lib"
    make_library(lib)
    for fmt, name in [("sfv", "all.sfv"), ("text", "all.ed2k"), ("bsd", "all.bsd"), ("ed2k", "links.txt")]:
        algo = ["-a", "sha1"] if fmt == "bsd" else []
        listing = run(["hash", "-f", fmt, *algo, "[Grp] Show - 00 [ABCD1234].mkv", "Specials/big movie.mkv"],
                      tmp_path, cwd=lib, env=env, check_rc=0).stdout
        (lib / name).write_bytes(listing)
        proc = run(["hash", "--update", name, "-r", "."], tmp_path, cwd=lib, env=env)
        assert proc.returncode == 0, (fmt, proc.stdout, proc.stderr)
        assert proc.stdout == b"" and b"3 files added" in proc.stderr, (fmt, proc.stderr)
        updated = (lib / name).read_bytes()
        assert updated.startswith(listing)
        again = run(["hash", "--update", name, "-r", "."], tmp_path, cwd=lib, env=env, check_rc=0)
        assert (lib / name).read_bytes() == updated and b"0 files added" in again.stderr
        check = run(["check", name], tmp_path, cwd=lib, env=env)
        assert check.returncode == 0 and check.stdout.count(b": OK") == 5, (fmt, check.stdout, check.stderr)
    # A new list is created.
    run(["hash", "--update", "new.sfv", "-r", "."], tmp_path, cwd=lib, env=env, check_rc=0)
    assert run(["check", "new.sfv"], tmp_path, cwd=lib, env=env).stdout.count(b": OK") == 5
