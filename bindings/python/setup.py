"""Build of the anidb package: where libanidb.so comes from, and the version.

pyproject.toml holds the metadata; this file answers two questions at build
time (README.md in this folder tells users the same):

Which shared library will the package load?
  1. $ANIDB_BUNDLE_LIBRARY names a libanidb.so.<ABI>: it is bundled (copied
     into the package).
  2. Else, unless $ANIDB_BUNDLE=1, a libanidb installed on the system: the
     one `pkg-config anidb` names, else the one the dynamic loader finds as
     libanidb.so.<ABI>. It is not bundled; its path is recorded in
     anidb/_library_path.py so that prefixes the loader does not search work.
  3. Else the library is built from the source tree around this folder
     (CMake, target `anidb` only) under build/libanidb and bundled.

Which version is the package?
  The version of that library, as anidb_get_version() reports it; for a
  library still to be built, project(VERSION) of the top-level
  CMakeLists.txt, which is what it will report (checked after the build).
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SOURCE_ROOT = HERE.parent.parent
_NATIVE = (HERE / "anidb" / "_native.py").read_text()
# A library serves this binding when its ABI is this one or newer (it accepts
# every older ABI: anidb.h, "Growing structures").
ABI_VERSION = int(re.search(r"^ABI_VERSION = (\d+)$", _NATIVE, re.M).group(1))
SOVERSION = int(re.search(r"^SOVERSION = (\d+)$", _NATIVE, re.M).group(1))
SONAME = f"libanidb.so.{SOVERSION}"


def _library_version(path: str) -> tuple[str, int]:
    """(anidb_get_version(), anidb_get_abi_version()) of the library at path."""
    lib = ctypes.CDLL(path)
    lib.anidb_get_version.restype = ctypes.c_char_p
    lib.anidb_get_abi_version.restype = ctypes.c_uint32
    return lib.anidb_get_version().decode("ascii"), int(lib.anidb_get_abi_version())


def _pkg_config_library() -> str | None:
    """libdir/libanidb.so.<ABI> of `pkg-config anidb`, if there is one."""
    try:
        out = subprocess.run(["pkg-config", "--variable=libdir", "anidb"], capture_output=True,
                             text=True, check=False)
    except FileNotFoundError:
        return None
    candidate = Path(out.stdout.strip()) / SONAME
    return str(candidate) if out.returncode == 0 and candidate.is_file() else None


def _system_library() -> tuple[str | None, str] | None:
    """(recorded path or None for "by SONAME", version) of an installed libanidb."""
    path = _pkg_config_library()
    for candidate in ([path] if path else []) + [SONAME]:
        try:
            version, abi = _library_version(candidate)
        except OSError:
            continue
        if abi >= ABI_VERSION:
            return (candidate if candidate != SONAME else None), version
    return None


def _source_version() -> str:
    cmake = (SOURCE_ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"^project\(anidb VERSION (\d+\.\d+\.\d+)", cmake, re.M)
    if not match:
        raise SystemExit(
            f"no libanidb installed (pkg-config anidb, {SONAME}) and no libanidb source tree at "
            f"{SOURCE_ROOT} to build one from; install libanidb1 and libanidb-dev, or set "
            "ANIDB_BUNDLE_LIBRARY"
        )
    return match.group(1)


def _plan() -> dict[str, str | None]:
    """How this build gets its library: bundle (path or None to build) and version."""
    explicit = os.environ.get("ANIDB_BUNDLE_LIBRARY")
    if explicit:
        version, abi = _library_version(explicit)
        if abi < ABI_VERSION:
            raise SystemExit(f"{explicit} has ABI {abi}; this binding needs ABI {ABI_VERSION} or newer")
        return {"mode": "bundle", "bundle": explicit, "record": None, "version": version}
    if os.environ.get("ANIDB_BUNDLE") != "1":
        found = _system_library()
        if found:
            return {"mode": "system", "bundle": None, "record": found[0], "version": found[1]}
    return {"mode": "build", "bundle": None, "record": None, "version": _source_version()}


def _build_library(version: str) -> str:
    """Builds libanidb.so from the source tree; returns the path of the SONAME link."""
    build_dir = HERE / "build" / "libanidb"
    if not shutil.which("cmake"):
        raise SystemExit(
            "no libanidb installed (pkg-config anidb, " + SONAME + ") and no cmake to build one: "
            "install libanidb1 and libanidb-dev, or the build dependencies (scripts/install-deps)"
        )
    configure = ["cmake", "-S", str(SOURCE_ROOT), "-B", str(build_dir),
                 "-DCMAKE_BUILD_TYPE=Release", "-DANIDB_BUILD_TESTS=OFF",
                 "-DANIDB_BUILD_BENCH=OFF", "-DANIDB_BUILD_CLI=OFF"]
    if shutil.which("ninja"):
        configure += ["-G", "Ninja"]
    if not (build_dir / "CMakeCache.txt").exists():
        subprocess.run(configure, check=True)
    subprocess.run(["cmake", "--build", str(build_dir), "--target", "anidb", "-j",
                    str(os.cpu_count() or 1)], check=True)
    built = str(build_dir / SONAME)
    built_version, _ = _library_version(built)
    if built_version != version:
        raise SystemExit(f"built libanidb reports {built_version}, CMakeLists.txt says {version}")
    return built


PLAN = _plan()


class BuildPy(build_py):
    """Adds the bundled library, or the recorded system path, to the package."""

    def run(self) -> None:
        package_dir = Path(self.build_lib) / "anidb"
        # build/lib is reused between builds: drop what an earlier build of
        # another kind (bundled or not) left there.
        shutil.rmtree(package_dir, ignore_errors=True)
        super().run()
        bundle = PLAN["bundle"]
        if PLAN["mode"] == "build":
            bundle = _build_library(PLAN["version"])
        if bundle:
            # The file itself (not a link), under the name the loader asks for.
            self.copy_file(os.path.realpath(bundle), str(package_dir / SONAME))
        record = PLAN["record"]
        (package_dir / "_library_path.py").write_text(
            '"""Written by setup.py: the libanidb this package was built against."""\n\n'
            f"LIBRARY = {record!r}\n"
        )


class BinaryDistribution(Distribution):
    """A wheel with a bundled library is for this platform only."""

    def has_ext_modules(self) -> bool:
        return PLAN["mode"] != "system"


setup(version=PLAN["version"], cmdclass={"build_py": BuildPy}, distclass=BinaryDistribution)
