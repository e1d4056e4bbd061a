"""Shared helpers of the packaging tests (CTest label packaging).

CTest passes the build's facts in ANIDB_* variables (tests/packaging/
CMakeLists.txt); packaging_build_debs has made the .deb files in
$ANIDB_DEBS_DIR before these tests run.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Build:
    source: Path
    build: Path
    debs_dir: Path
    version: str
    abi: int  # ANIDB_ABI_VERSION: grows with appended struct fields
    soversion: int  # the SONAME's number and the runtime package's
    revision: str
    build_type: str
    libdir: str  # relative, e.g. lib/x86_64-linux-gnu
    library: Path  # the built libanidb.so.<version>
    cli: Path
    cmake: str

    @property
    def deb_version(self) -> str:
        return f"{self.version}-{self.revision}"

    @property
    def runtime_package(self) -> str:
        return f"libanidb{self.soversion}"


@pytest.fixture(scope="session")
def build() -> Build:
    env = os.environ
    return Build(
        source=Path(env["ANIDB_SOURCE_DIR"]),
        build=Path(env["ANIDB_BUILD_DIR"]),
        debs_dir=Path(env["ANIDB_DEBS_DIR"]),
        version=env["ANIDB_PROJECT_VERSION"],
        abi=int(env["ANIDB_ABI"]),
        soversion=int(env["ANIDB_SOVERSION"]),
        revision=env["ANIDB_DEB_REVISION"],
        build_type=env["ANIDB_BUILD_TYPE"],
        libdir=env["ANIDB_LIBDIR"],
        library=Path(env["ANIDB_TEST_LIBRARY"]),
        cli=Path(env["ANIDB_CLI"]),
        cmake=env["ANIDB_CMAKE"],
    )


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Runs a command, text in and out; fails the test with its output if it fails."""
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert proc.returncode == 0, f"{args} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc


@dataclass(frozen=True)
class Deb:
    path: Path

    def field(self, name: str) -> str:
        return run(["dpkg-deb", "-f", str(self.path), name]).stdout.strip()

    def entries(self) -> list[tuple[str, str, str, str]]:
        """(mode string, owner/group, path without ./, link target or '') of every entry."""
        listing = run(["dpkg-deb", "-c", str(self.path)]).stdout.splitlines()
        result = []
        for line in listing:
            mode, owner, _size, _date, _time, rest = line.split(None, 5)
            target = ""
            if " -> " in rest:
                rest, target = rest.split(" -> ", 1)
            result.append((mode, owner, rest.removeprefix("./").rstrip("/"), target))
        return result

    def files(self) -> dict[str, str]:
        """Path of every file and link (no folders) -> link target ('' for files)."""
        return {path: target for mode, _o, path, target in self.entries()
                if not mode.startswith("d")}

    def control(self, name: str) -> str | None:
        """A control file (shlibs, postinst, ...) or None."""
        proc = subprocess.run(["dpkg-deb", "--info", str(self.path), name], capture_output=True,
                              text=True)
        return proc.stdout if proc.returncode == 0 else None

    def extract(self, root: Path) -> None:
        run(["dpkg-deb", "-x", str(self.path), str(root)])


@pytest.fixture(scope="session")
def debs(build: Build) -> dict[str, Deb]:
    """Package name -> Deb, for every .deb made."""
    found = {}
    for path in sorted(build.debs_dir.glob("*.deb")):
        deb = Deb(path)
        found[deb.field("Package")] = deb
    assert found, f"no packages in {build.debs_dir} (did packaging_build_debs run?)"
    return found


@pytest.fixture(scope="session")
def installed_root(tmp_path_factory, debs: dict[str, Deb], build: Build) -> Path:
    """The library packages unpacked into a folder (usr/... inside)."""
    root = tmp_path_factory.mktemp("root")
    for name in (build.runtime_package, "libanidb-dev", "anidb"):
        debs[name].extract(root)
    return root


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without ANIDB_* (the binding reads ANIDB_LIBRARY) and PYTHON*."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ANIDB_") and not k.startswith("PYTHON")}
    # pip never reaches for the network (the tests pass --no-index too).
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra)
    return env
