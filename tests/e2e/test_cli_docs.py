"""Every `anidb` example in README.md (its section on the command) and in
docs/cli.md runs verbatim, in document order, in bash with `set -o
pipefail`, against the fake AniDB server, and exits 0. The world the
examples assume is built here: ~/Anime/New and the current folder hold
episodes AniDB (the fake) knows (one named with its CRC32, one called
episode.mkv), season1.sfv lists the current folder, and a local HTTP server
serves a small anime-titles dump (ANIDB_TITLES_URL)."""
import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CLI, EPISODES, FAKE, RHASH, FakeAnidb, anidb_env

pytestmark = pytest.mark.skipif(not FAKE, reason="fake-anidb not built")

ROOT = Path(__file__).resolve().parents[2]


def examples(markdown, section=None):
    """The command lines of the ```sh blocks (continuation lines joined),
    of one '## ' section when `section` is given."""
    text = markdown.read_text()
    if section is not None:
        start = text.index(section)
        end = text.find("\n## ", start + len(section))
        text = text[start:end if end != -1 else len(text)]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        joined = re.sub(r"\\\n\s*", "", block)
        commands += [line.strip() for line in joined.splitlines() if line.strip().startswith("anidb ")]
    return commands


def test_the_readme_and_cli_md_have_examples():
    assert len(examples(ROOT / "README.md", "## The `anidb` command")) >= 5
    assert len(examples(ROOT / "docs" / "cli.md")) >= 20


@pytest.fixture
def world(tmp_path):
    work = tmp_path / "work"
    os.makedirs(work)
    for i, (name, *_rest) in enumerate(EPISODES):
        (work / name).write_bytes(os.urandom(300000 + i))
    stem = EPISODES[0][0][:-4]
    (work / f"{stem}.ass").write_text("subtitles")
    new = tmp_path / "home" / "Anime" / "New"
    os.makedirs(new)
    for name, *_rest in EPISODES:
        shutil.copy(work / name, new / name)
    shutil.copy(work / f"{stem}.ass", new / f"{stem}.ass")
    server = FakeAnidb(tmp_path, work)
    # The catalog knows the contents; now give the current folder the names
    # the examples use.
    crc = subprocess.run([RHASH, "--printf=%{crc32}", str(work / EPISODES[1][0])], stdout=subprocess.PIPE,
                         check=True).stdout.decode().upper()
    os.rename(work / EPISODES[1][0], work / f"[NWS] Aozora Kikou - 04 [{crc}].mkv")
    shutil.copy(work / EPISODES[0][0], work / "episode.mkv")
    videos = sorted(p.name for p in work.glob("*.mkv"))
    sfv = subprocess.run([RHASH, "--sfv", *videos], cwd=work, stdout=subprocess.PIPE, check=True).stdout
    (work / "season1.sfv").write_bytes(sfv)
    bindir = tmp_path / "bin"
    os.makedirs(bindir)
    os.symlink(CLI, bindir / "anidb")
    web = tmp_path / "web"
    os.makedirs(web)
    (web / "anime-titles.dat.gz").write_bytes(gzip.compress(
        "3131|1|x-jat|Aozora Kikou\n3131|4|en|Blue Sky Voyage\n3131|4|ja|青空紀行\n"
        "23|1|x-jat|Cowboy Bebop\n23|4|ja|カウボーイビバップ\n".encode()))
    http = subprocess.Popen([sys.executable, str(ROOT / "tests" / "support" / "http" / "local_http_server.py"),
                             "--root", str(web)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    port = int(http.stdout.readline().split()[1])
    env = anidb_env(tmp_path, server, ANIDB_TITLES_URL=f"http://127.0.0.1:{port}/files/anime-titles.dat.gz")
    env["PATH"] = f"{bindir}:{env.get('PATH', '/usr/bin:/bin')}"
    yield work, env
    http.stdin.close()
    http.wait(timeout=30)
    summary = server.stop()
    assert " 0 flood violations" in summary, summary


@pytest.mark.parametrize("doc,section", [("README.md", "## The `anidb` command"), ("docs/cli.md", None)])
def test_every_example_runs_verbatim(world, doc, section):
    work, env = world
    failures = []
    for command in examples(ROOT / doc, section):
        proc = subprocess.run(["bash", "-c", "set -o pipefail\n" + command], cwd=work, env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=120)
        if proc.returncode != 0:
            failures.append((command, proc.returncode, proc.stderr.decode(errors="replace")[-300:]))
    assert failures == []


COMMANDS = [["hash"], ["check"], ["identify"], ["mylist", "add"], ["mylist", "show"], ["mylist", "remove"],
            ["mylist", "watched"], ["rename"], ["cache"], ["config"], ["session"], ["queue"],
            ["queue", "run"], ["queue", "clear"], ["anime", "show"], ["anime", "search"],
            ["anime", "titles"], ["episode", "show"], ["group", "show"], ["watch"]]


def long_flags(help_text):
    return set(re.findall(r"(?m)^\s+(?:-\w,\s*)?(--[a-z][a-z0-9-]*)", help_text)) - {"--help"}


def test_every_flag_is_in_the_man_page_and_the_completions(tmp_path):
    man = (ROOT / "docs" / "anidb.1").read_text()
    bash = (ROOT / "cli" / "completions" / "anidb.bash").read_text()
    zsh = (ROOT / "cli" / "completions" / "_anidb").read_text()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    missing = []
    for command in [[]] + COMMANDS:
        out = subprocess.run([CLI, *command, "--help"], stdout=subprocess.PIPE, env=env, check=True).stdout.decode()
        flags = long_flags(out)
        assert flags or command in (["cache"], ["config"], ["session"], ["queue"], ["anime", "show"],
                                    ["episode", "show"], ["group", "show"]), (command, out)
        for flag in flags:
            for where, text in (("man page", man.replace("\\-", "-")), ("bash", bash), ("zsh", zsh)):
                if flag not in text:
                    missing.append((" ".join(command), flag, where))
    assert missing == []
    # The template tags complete after '{'.
    rename_help = subprocess.run([CLI, "rename", "--help"], stdout=subprocess.PIPE, env=env,
                                 check=True).stdout.decode()
    section = rename_help[rename_help.index("Tags:\n"):]
    section = section[:section.index("\n\n")]
    tags = re.findall(r"(?m)^  ([a-z_0-9]+) {2,}", section)
    assert len(tags) > 30
    for tag in tags:
        assert re.search(rf"\b{tag}\b", bash) and re.search(rf"\b{tag}\b", zsh) and tag in man, tag
