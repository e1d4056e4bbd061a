"""anidb rename as anidbcli, WebAOM and rhash users expect: local templates
without AniDB, links and copies, optional sections, the tags users ask
for, empty folders removed, non-video files moved along and never sent to
AniDB, and an undo log that reverses all of it."""
import os
import subprocess

import pytest

from conftest import EPISODES, FAKE, FakeAnidb, anidb_env, clean_env, ed2k_of, run

needs_fake = pytest.mark.skipif(not FAKE, reason="fake-anidb not built")


def crc_of(path):
    return ed2k_of(path)[1].upper()


def test_local_template_needs_no_anidb_and_no_credentials(tmp_path):
    lib = tmp_path / "lib"
    os.makedirs(lib)
    (lib / "Show 01.mkv").write_bytes(os.urandom(40000))
    (lib / "Show 01.en.ass").write_text("subs")
    crc = crc_of(lib / "Show 01.mkv")
    # No user, no password, an AniDB server that does not exist.
    env = clean_env(tmp_path, ANIDB_SERVER="127.0.0.1:9", ANIDB_TIMEOUT_MS=100, ANIDB_RETRIES=0)
    undo = tmp_path / "undo.sh"
    proc = run(["rename", "--related", "--undo-log", str(undo), "-t", "{original} [{crc32}] {size} {ext}",
                str(lib / "Show 01.mkv")], tmp_path, env=env)
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert sorted(os.listdir(lib)) == [f"Show 01 [{crc}] 40000 mkv.en.ass", f"Show 01 [{crc}] 40000 mkv.mkv"]
    subprocess.run(["sh", str(undo)], check=True)
    assert sorted(os.listdir(lib)) == ["Show 01.en.ass", "Show 01.mkv"]
    md5 = subprocess.run(["md5sum", str(lib / "Show 01.mkv")], stdout=subprocess.PIPE).stdout.split()[0]
    dry = run(["rename", "-n", "-t", "{original}.{md5}.{sha1?}.{ed2k}", str(lib / "Show 01.mkv")], tmp_path,
              env=env, check_rc=0)
    assert md5 in dry.stdout and ed2k_of(lib / "Show 01.mkv")[0].encode() in dry.stdout


def test_link_hard_soft_and_copy_keep_the_original(tmp_path):
    lib = tmp_path / "lib"
    os.makedirs(lib)
    (lib / "a.mkv").write_bytes(os.urandom(30000))
    crc = crc_of(lib / "a.mkv")
    env = clean_env(tmp_path)
    out = tmp_path / "out"
    for mode, args in [("hard", ["--link", "hard"]), ("soft", ["--link", "soft"]), ("copy", ["--copy"])]:
        undo = tmp_path / f"undo-{mode}.sh"
        run(["rename", *args, "--move-to", str(out / mode), "--undo-log", str(undo), "-t", "{original} [{crc32}]",
             str(lib / "a.mkv")], tmp_path, env=env, check_rc=0)
        made = out / mode / f"a [{crc}].mkv"
        assert (lib / "a.mkv").exists() and made.exists()
        assert made.read_bytes() == (lib / "a.mkv").read_bytes()
        if mode == "hard":
            assert os.stat(made).st_ino == os.stat(lib / "a.mkv").st_ino
        if mode == "soft":
            assert os.path.islink(made) and os.path.realpath(made) == str(lib / "a.mkv")
        subprocess.run(["sh", str(undo)], check=True)
        assert (lib / "a.mkv").exists() and not made.exists() and not (out / mode).exists()
    bad = run(["rename", "--link", "weird", "-t", "{original}", str(lib / "a.mkv")], tmp_path, env=env)
    assert bad.returncode == 2


@needs_fake
def test_optional_sections_and_the_tags_users_ask_for(tmp_path, media):
    server = FakeAnidb(tmp_path, media,
                       file_fields="md5=0123456789abcdef0123456789abcdef dub_languages=japanese'english "
                                   "sub_languages=english'german aired=1300000000",
                       episode_fields='romaji="Senchou no Chizu" kanji="船長の地図"')
    try:
        env = anidb_env(tmp_path, server)
        one = str(media / EPISODES[0][0])
        template = ("{anime}{?anime_kanji: ({anime_kanji})}{?anime_english: ({anime_english})} - {epno}"
                    "{?episode_title: - {episode_title}} [{group_short}][{resolution} {source} {quality}]"
                    "[{audio_languages}][{sub_languages}] {aired:%Y.%m.%d} {aired} {episode_romaji} "
                    "{episode_kanji}")
        proc = run(["rename", "-n", "-t", template, one], tmp_path, env=env)
        assert proc.returncode == 0, (proc.stdout, proc.stderr)
        expected = ("Aozora Kikou (Blue Sky Voyage) - 03 - The Captain's Map [NWS][848x480 DVD high]"
                    "[japanese,english][english,german] 2011.03.13 2011-03-13 Senchou no Chizu 船長の地図.mkv")
        assert proc.stdout.decode().endswith(f"-> {media}/{expected}\n"), proc.stdout.decode()
        # An empty optional part leaves no doubled separator behind.
        proc = run(["rename", "-n", "-t", "{anime} - {epno}{?anime_kanji: - {anime_kanji}} [{group_short}]", one],
                   tmp_path, env=env, check_rc=0)
        assert proc.stdout.decode().endswith(f"-> {media}/Aozora Kikou - 03 [NWS].mkv\n"), proc.stdout
        for bad in ["{?anime_kanji: {anime}", "{aired:}", "{crc32:%Y}", "{?nonsense:x}"]:
            assert run(["rename", "-n", "-t", bad, one], tmp_path, env=env).returncode == 2, bad
    finally:
        server.stop()


@needs_fake
def test_delete_empty_dirs_and_non_video_files_never_sent_to_anidb(tmp_path, media, fake):
    env = anidb_env(tmp_path, fake)
    season = media / "Season 1"
    os.makedirs(season)
    for name, *_ in EPISODES:
        os.rename(media / name, season / name)
    stem = EPISODES[0][0][:-4]
    os.rename(media / f"{stem}.ass", season / f"{stem}.ass")
    (season / f"{stem}.ed2k").write_text("links")
    (season / "notes.txt").write_text("mine")
    out = tmp_path / "library"
    undo = tmp_path / "undo.sh"
    files = [str(season / name) for name, *_ in EPISODES] + [str(season / f"{stem}.ass"),
                                                             str(season / f"{stem}.ed2k")]
    proc = run(["rename", "--delete-empty-dirs", "--move-to", str(out), "--undo-log", str(undo),
                "-t", "{anime}/{anime} - {episode}", *files], tmp_path, env=env)
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert fake.datagrams("FILE") == 2  # the subtitle and the .ed2k list were never asked about
    moved = sorted(os.listdir(out / "Aozora Kikou"))
    assert moved == ["Aozora Kikou - 03.ass", "Aozora Kikou - 03.ed2k", "Aozora Kikou - 03.mkv",
                     "Aozora Kikou - 04.mkv"], moved
    assert sorted(os.listdir(season)) == ["notes.txt"]  # not empty: kept
    os.remove(season / "notes.txt")
    # Now the folder empties: removed, but never a folder named on the command line.
    (season / "x.mkv").write_bytes((out / "Aozora Kikou" / "Aozora Kikou - 04.mkv").read_bytes())
    proc = run(["rename", "--delete-empty-dirs", "--move-to", str(out), "--undo-log", str(undo),
                "-t", "{anime}/{original}", "-r", str(media)], tmp_path, env=env)
    assert proc.returncode == 1, proc.stdout  # unknown.mkv is not identified
    assert not season.exists() and media.exists() and (out / "Aozora Kikou" / "x.mkv").exists()
    # The undo log reverses both runs, last change first, and removes the
    # folders the renames created.
    subprocess.run(["sh", str(undo)], check=True)
    assert sorted(os.listdir(season)) == sorted([EPISODES[0][0], EPISODES[1][0], f"{stem}.ass", f"{stem}.ed2k",
                                                 "x.mkv"])
    assert not out.exists()
