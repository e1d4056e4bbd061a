"""`pip install ./bindings/python` into fresh venvs, offline, as docs/python.md
says: the library bundled into the package, and a system library found
through pkg-config; then the binding's own test suite runs against the
installed package (not the source tree)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import Build, clean_env, run

def venv_site(venv: Path) -> Path:
    (site,) = (venv / "lib").glob("python3.*/site-packages")
    return site


def make_venv(path: Path, system_site_packages: bool) -> Path:
    """A fresh venv. One that sees Debian's packages uses Debian's pip too
    (python -m pip), which saves installing a copy of pip into it."""
    args = ["/usr/bin/python3", "-m", "venv", str(path)]
    if system_site_packages:
        args[3:3] = ["--system-site-packages", "--without-pip"]
    run(args, env=clean_env())
    return path


def installed_files(venv: Path) -> set[str]:
    package = venv_site(venv) / "anidb"
    return {p.name for p in package.iterdir() if p.name != "__pycache__"}


def python(venv: Path, code: str, tmp_path: Path) -> str:
    return run([str(venv / "bin" / "python"), "-c", code],
               env=clean_env(HOME=str(tmp_path)), cwd=tmp_path).stdout.strip()


PROBE = ("import anidb, importlib.metadata as m; "
         "print(anidb.__file__); print(anidb._native.lib._name); "
         "print(m.version('libanidb')); print(anidb.__version__); "
         "print(anidb.hash_bytes(b'abc', 'ed2k'))")


def test_bundled_library_and_the_test_suite(build: Build, tmp_path: Path):
    """--system-site-packages venv (Debian's setuptools, wheel and pytest),
    pip --no-build-isolation, the built library bundled."""
    venv = make_venv(tmp_path / "venv", system_site_packages=True)
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-build-isolation",
         "--no-index", str(build.source / "bindings" / "python")],
        env=clean_env(ANIDB_BUNDLE_LIBRARY=str(build.library), HOME=str(tmp_path)))
    site = venv_site(venv)
    assert {"libanidb.so.1", "py.typed", "_library_path.py", "__init__.py",
            "__main__.py"} <= installed_files(venv)
    assert "LIBRARY = None" in (site / "anidb" / "_library_path.py").read_text()
    where, library, dist_version, version, ed2k = python(venv, PROBE, tmp_path).splitlines()
    assert where == str(site / "anidb" / "__init__.py")
    assert library == str(site / "anidb" / f"libanidb.so.{build.soversion}")
    assert dist_version == version == build.version
    assert ed2k == "a448017aaf21d8525fc10ae87aa6729d"
    out = run([str(venv / "bin" / "anidb-py"), "--version"], env=clean_env())
    assert out.stdout.strip() == f"libanidb {build.version}"
    usage = run([str(venv / "bin" / "anidb-py"), "--help"], env=clean_env()).stdout
    assert usage.startswith("usage: anidb-py")

    # The binding's whole suite, importing the installed package.
    tests = build.source / "bindings" / "python" / "tests"
    env = clean_env(ANIDB_TEST_INSTALLED="1", PYTHONDONTWRITEBYTECODE="1", HOME=str(tmp_path),
                    ANIDB_FAKE_ANIDB=os.environ.get("ANIDB_FAKE_ANIDB", ""))
    suite = subprocess.run([str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p",
                            "no:cacheprovider", str(tests)],
                           env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert suite.returncode == 0, suite.stdout + suite.stderr
    assert " passed" in suite.stdout


def test_system_library_found_through_pkg_config(build: Build, tmp_path: Path):
    """A plain fresh venv, the README's command (Debian's wheels, no index),
    against a libanidb installed with cmake --install under a prefix the
    dynamic loader does not search: found by pkg-config, recorded, not bundled."""
    prefix = tmp_path / "prefix"
    for component in ("runtime", "dev"):
        run([build.cmake, "--install", str(build.build), "--prefix", str(prefix),
             "--component", component], env=clean_env())
    pc_dir = prefix / build.libdir / "pkgconfig"
    venv = make_venv(tmp_path / "venv", system_site_packages=False)
    if not any(Path("/usr/share/python-wheels").glob("wheel-*.whl")):
        pytest.fail("python3-wheel-whl is not installed (scripts/install-deps)")
    run([str(venv / "bin" / "pip"), "install", "--no-index", "--find-links",
         "/usr/share/python-wheels", str(build.source / "bindings" / "python")],
        env=clean_env(PKG_CONFIG_PATH=str(pc_dir), HOME=str(tmp_path)))
    files = installed_files(venv)
    assert not any(name.startswith("libanidb.so") for name in files), files
    library = prefix / build.libdir / f"libanidb.so.{build.soversion}"
    recorded = (venv_site(venv) / "anidb" / "_library_path.py").read_text()
    assert f"LIBRARY = {str(library)!r}" in recorded
    _where, loaded, dist_version, version, ed2k = python(venv, PROBE, tmp_path).splitlines()
    assert loaded == str(library)
    assert dist_version == version == build.version
    assert ed2k == "a448017aaf21d8525fc10ae87aa6729d"
    # Only Debian's wheels were used to build it: nothing else is in the venv.
    listed = run([str(venv / "bin" / "pip"), "list", "--format=freeze"],
                 env=clean_env(HOME=str(tmp_path))).stdout.split()
    assert sorted(p.split("==")[0] for p in listed) == ["libanidb", "pip", "setuptools"]
