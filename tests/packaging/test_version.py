"""One version number, project(VERSION) in CMakeLists.txt, everywhere it shows:
the header macros, anidb_get_version(), `anidb --version`, the shared
library's file name and SONAME (the ABI version), anidb.pc, the CMake
package, the Python package, the Debian packages and CHANGELOG.md."""

from __future__ import annotations

import ctypes
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import Build, Deb, clean_env, run


def test_cmake_project_version_is_the_one_configured(build: Build):
    cmake = (build.source / "CMakeLists.txt").read_text()
    assert re.search(rf"^project\(anidb VERSION {re.escape(build.version)}\b", cmake, re.M)
    assert re.fullmatch(r"\d+\.\d+\.\d+", build.version)


def header_macros(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^#define (ANIDB_(?:VERSION_\w+|ABI_VERSION)) (\S+)$",
                           path.read_text(), re.M))


def test_header_macros(build: Build, installed_root: Path):
    major, minor, patch = build.version.split(".")
    expected = {"ANIDB_VERSION_MAJOR": major, "ANIDB_VERSION_MINOR": minor,
                "ANIDB_VERSION_PATCH": patch, "ANIDB_VERSION_STRING": f'"{build.version}"',
                "ANIDB_ABI_VERSION": str(build.abi)}
    assert header_macros(build.build / "include/anidb/anidb_version.h") == expected
    assert header_macros(installed_root / "usr/include/anidb/anidb_version.h") == expected
    # anidb.h itself defines no version of its own.
    assert header_macros(build.source / "include/anidb/anidb.h") == {}
    assert "#include <anidb/anidb_version.h>" in (
        installed_root / "usr/include/anidb/anidb.h").read_text()


def library_versions(path: Path) -> tuple[str, int]:
    lib = ctypes.CDLL(str(path))
    lib.anidb_get_version.restype = ctypes.c_char_p
    lib.anidb_get_abi_version.restype = ctypes.c_uint32
    return lib.anidb_get_version().decode(), int(lib.anidb_get_abi_version())


def soname(path: Path) -> str:
    match = re.search(r"^\s*SONAME\s+(\S+)$", run(["objdump", "-p", str(path)]).stdout, re.M)
    assert match, path
    return match.group(1)


def test_library_version_file_name_and_soname(build: Build, installed_root: Path):
    packaged = installed_root / f"usr/{build.libdir}/libanidb.so.{build.version}"
    for library in (build.library, packaged):
        assert library_versions(library) == (build.version, build.abi)
        assert soname(library) == f"libanidb.so.{build.soversion}"
    assert Path(build.library).resolve().name == f"libanidb.so.{build.version}"


def test_anidb_version(build: Build, installed_root: Path):
    for cli in (build.cli, installed_root / "usr/bin/anidb"):
        out = run([str(cli), "--version"], env=clean_env())
        assert out.stdout.strip() == f"anidb {build.version}"


def test_pkg_config_and_cmake_package(build: Build, installed_root: Path):
    pc_dir = installed_root / f"usr/{build.libdir}/pkgconfig"
    assert re.search(rf"^Version: {re.escape(build.version)}$",
                     (pc_dir / "anidb.pc").read_text(), re.M)
    out = run(["pkg-config", "--modversion", "anidb"],
              env=clean_env(PKG_CONFIG_PATH=str(pc_dir), PKG_CONFIG_LIBDIR=str(pc_dir)))
    assert out.stdout.strip() == build.version
    config_version = (installed_root / f"usr/{build.libdir}/cmake/anidb/anidbConfigVersion.cmake")
    assert f'set(PACKAGE_VERSION "{build.version}")' in config_version.read_text()


def test_debian_packages(build: Build, debs: dict[str, Deb]):
    assert build.runtime_package == f"libanidb{build.soversion}"
    for deb in debs.values():
        assert deb.field("Version") == f"{build.version}-{build.revision}"


def test_python_package(build: Build, tmp_path: Path):
    """The wheel's version and anidb.__version__ are the library's."""
    binding = build.source / "bindings" / "python"
    run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
         "--no-index", "-w", str(tmp_path), str(binding)],
        env=clean_env(ANIDB_BUNDLE_LIBRARY=str(build.library), HOME=str(tmp_path)))
    (wheel,) = tmp_path.glob("*.whl")
    assert wheel.name.startswith(f"libanidb-{build.version}-")
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"libanidb-{build.version}.dist-info/METADATA").decode()
    assert re.search(rf"^Version: {re.escape(build.version)}$", metadata, re.M)
    imported = subprocess.run(
        [sys.executable, "-c", "import anidb; print(anidb.__version__, anidb.abi_version())"],
        env=clean_env(PYTHONPATH=str(binding), ANIDB_LIBRARY=str(build.library)),
        capture_output=True, text=True, check=True)
    assert imported.stdout.split() == [build.version, str(build.abi)]
    native = (binding / "anidb" / "_native.py").read_text()
    assert re.search(rf"^ABI_VERSION = {build.abi}$", native, re.M)
    assert re.search(rf"^SOVERSION = {build.soversion}$", native, re.M)


def test_changelog_starts_with_this_release(build: Build):
    changelog = (build.source / "CHANGELOG.md").read_text()
    releases = re.findall(r"^## \[([^\]]+)\]", changelog, re.M)
    assert releases[0] == "Unreleased" or releases[0] == build.version
    assert build.version in releases
    if releases[0] == "Unreleased":
        assert releases[1] == build.version
