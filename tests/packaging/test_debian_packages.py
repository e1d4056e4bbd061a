"""The Debian packages CPack makes: names, file lists, dependency fields, and
that a C program builds against them with pkg-config and with CMake."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from conftest import Build, Deb, clean_env, run


def expected_files(build: Build) -> dict[str, dict[str, str]]:
    """Package -> {path: link target or ''} it must hold, and nothing else."""
    lib = f"usr/{build.libdir}"
    config = build.build_type.lower()
    cmake_dir = f"{lib}/cmake/anidb"
    cli = {
        "usr/bin/anidb": "",
        "usr/share/man/man1/anidb.1": "",
        "usr/share/bash-completion/completions/anidb": "",
        "usr/share/zsh/vendor-completions/_anidb": "",
    }
    # Systemd user units appear when cli/systemd/*.service exist (issue #17).
    for unit in sorted((build.source / "cli" / "systemd").glob("*.service")):
        cli[f"usr/lib/systemd/user/{unit.name}"] = ""
    return {
        build.runtime_package: {
            f"{lib}/libanidb.so.{build.version}": "",
            f"{lib}/libanidb.so.{build.soversion}": f"libanidb.so.{build.version}",
        },
        "libanidb-dev": {
            "usr/include/anidb/anidb.h": "",
            "usr/include/anidb/anidb.hpp": "",
            "usr/include/anidb/anidb_version.h": "",
            f"{lib}/libanidb.so": f"libanidb.so.{build.soversion}",
            f"{lib}/libanidb.a": "",
            f"{lib}/pkgconfig/anidb.pc": "",
            f"{cmake_dir}/anidbConfig.cmake": "",
            f"{cmake_dir}/anidbConfigVersion.cmake": "",
            f"{cmake_dir}/anidbTargets.cmake": "",
            f"{cmake_dir}/anidbTargets-{config}.cmake": "",
            f"{cmake_dir}/anidbStaticTargets.cmake": "",
            f"{cmake_dir}/anidbStaticTargets-{config}.cmake": "",
        },
        "anidb": cli,
    }


def test_three_packages_named_for_the_abi_and_the_version(build: Build, debs: dict[str, Deb]):
    assert sorted(debs) == sorted([build.runtime_package, "libanidb-dev", "anidb"])
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    for name, deb in debs.items():
        assert deb.path.name == f"{name}_{build.deb_version}_{arch}.deb"
        assert deb.field("Version") == build.deb_version
        assert deb.field("Architecture") == arch
        assert re.fullmatch(r".+ <[^@ ]+@[^@ ]+>", deb.field("Maintainer"))
        summary = deb.field("Description").splitlines()[0]
        assert summary and len(summary) <= 80


def test_each_package_holds_exactly_its_files(build: Build, debs: dict[str, Deb]):
    for name, files in expected_files(build).items():
        assert debs[name].files() == files, name


def test_the_packages_hold_everything_cmake_installs(build: Build, debs: dict[str, Deb],
                                                     tmp_path: Path):
    """No install rule outside the packaged components (it would be lost)."""
    run([build.cmake, "--install", str(build.build), "--prefix", "/usr"],
        env=clean_env(DESTDIR=str(tmp_path / "dest")))
    installed = {str(p.relative_to(tmp_path / "dest")) for p in (tmp_path / "dest").rglob("*")
                 if p.is_symlink() or p.is_file()}
    packaged = set()
    for deb in debs.values():
        packaged |= set(deb.files())
    assert installed == packaged


def test_owners_and_modes(debs: dict[str, Deb]):
    for name, deb in debs.items():
        for mode, owner, path, _target in deb.entries():
            assert owner == "root/root", (name, path)
            if mode.startswith("d"):
                assert mode == "drwxr-xr-x", (name, path)
            elif mode.startswith("l"):
                continue
            elif path == "usr/bin/anidb":
                assert mode == "-rwxr-xr-x"
            else:
                assert mode == "-rw-r--r--", (name, path, mode)


def needed_packages(binary: Path) -> set[str]:
    """Debian packages that hold the shared libraries an ELF file links (DT_NEEDED)."""
    dynamic = run(["objdump", "-p", str(binary)]).stdout
    needed = re.findall(r"^\s*NEEDED\s+(\S+)$", dynamic, re.M)
    assert needed
    cache = run(["/sbin/ldconfig", "-p"]).stdout
    owners = set()
    for soname in needed:
        match = re.search(rf"^\s*{re.escape(soname)} \(libc6,x86-64[^)]*\) => (\S+)$", cache, re.M)
        if not match:
            match = re.search(rf"^\s*{re.escape(soname)} \([^)]*\) => (\S+)$", cache, re.M)
        assert match, f"{soname} not in the ldconfig cache"
        path = os.path.realpath(match.group(1))
        proc = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if proc.returncode != 0:  # dpkg knows the path through /lib, not /usr/lib
            proc = run(["dpkg", "-S", match.group(1)])
        owners.add(proc.stdout.split(":", 1)[0])
    return owners


def depends_names(deb: Deb) -> set[str]:
    return {part.split()[0] for part in deb.field("Depends").split(", ")}


def test_dependencies_are_computed_from_the_libraries_linked(build: Build, debs: dict[str, Deb],
                                                            installed_root: Path):
    library = installed_root / f"usr/{build.libdir}/libanidb.so.{build.version}"
    assert depends_names(debs[build.runtime_package]) == needed_packages(library)
    assert depends_names(debs["anidb"]) == needed_packages(installed_root / "usr/bin/anidb")
    for dependency in debs[build.runtime_package].field("Depends").split(", "):
        assert re.fullmatch(r"\S+ \(>= \S+\)", dependency), dependency


def test_dev_package_depends_on_exactly_its_library(build: Build, debs: dict[str, Deb]):
    dev = debs["libanidb-dev"]
    assert dev.field("Depends") == f"{build.runtime_package} (= {build.deb_version})"
    suggests = {s.strip() for s in dev.field("Suggests").split(",")}
    assert suggests == {"libssl-dev", "libsqlite3-dev", "zlib1g-dev", "libcurl4-openssl-dev", "librhash-dev",
                        "libisal-dev"}


def test_library_package_has_shlibs_and_runs_ldconfig(build: Build, debs: dict[str, Deb]):
    runtime = debs[build.runtime_package]
    assert runtime.control("shlibs").strip() == (
        f"libanidb {build.soversion} {build.runtime_package} (>= {build.deb_version})")
    for script in ("postinst", "postrm"):
        assert "ldconfig" in runtime.control(script)
    assert runtime.field("Section") == "libs"
    assert debs["libanidb-dev"].field("Section") == "libdevel"


def test_binaries_are_stripped(build: Build, installed_root: Path):
    for binary in (installed_root / "usr/bin/anidb",
                   installed_root / f"usr/{build.libdir}/libanidb.so.{build.version}"):
        sections = run(["readelf", "-S", "-W", str(binary)]).stdout
        assert ".symtab" not in sections, binary


def test_c_program_builds_with_pkg_config_from_the_packages(build: Build, installed_root: Path,
                                                           tmp_path: Path):
    pc_dir = installed_root / f"usr/{build.libdir}/pkgconfig"
    # The sysroot: the packages were unpacked there rather than into /.
    env = clean_env(PKG_CONFIG_PATH=str(pc_dir), PKG_CONFIG_LIBDIR=str(pc_dir),
                    PKG_CONFIG_SYSROOT_DIR=str(installed_root))
    assert run(["pkg-config", "--modversion", "anidb"], env=env).stdout.strip() == build.version
    flags = run(["pkg-config", "--cflags", "--libs", "anidb"], env=env).stdout.split()
    assert flags == [f"-I{installed_root}/usr/include",
                     f"-L{installed_root}/usr/{build.libdir}", "-lanidb"]
    program = tmp_path / "memory_management"
    examples = build.source / "examples"
    run(["cc", "-std=c11", "-Wall", "-Werror", "-o", str(program),
         str(examples / "memory_management.c"), *flags])
    lib = installed_root / f"usr/{build.libdir}"
    out = run([str(program)], env=clean_env(LD_LIBRARY_PATH=str(lib), HOME=str(tmp_path)),
              cwd=tmp_path)
    assert out.returncode == 0
    # Static: pkg-config --static names everything libanidb.a needs.
    static_flags = run(["pkg-config", "--static", "--cflags", "--libs", "anidb"],
                       env=env).stdout.split()
    static_program = tmp_path / "memory_management_static"
    run(["cc", "-std=c11", "-o", str(static_program), str(examples / "memory_management.c"),
         f"{lib}/libanidb.a", *[f for f in static_flags if f != "-lanidb"]])
    assert "libanidb" not in run(["objdump", "-p", str(static_program)]).stdout
    run([str(static_program)], env=clean_env(HOME=str(tmp_path)), cwd=tmp_path)


CONSUMER = """cmake_minimum_required(VERSION 3.25)
project(consumer C CXX)
find_package(anidb {version} REQUIRED COMPONENTS static)
add_executable(shared_app main.c)
target_link_libraries(shared_app PRIVATE anidb::anidb)
add_executable(static_app main.c)
target_link_libraries(static_app PRIVATE anidb::anidb_static)
add_executable(cxx_app main.cpp)
target_compile_features(cxx_app PRIVATE cxx_std_20)
target_link_libraries(cxx_app PRIVATE anidb::anidb)
"""

MAIN = """#include <anidb/anidb.h>
#include <stdio.h>
#include <string.h>
int main(void) {
    if (anidb_init(ANIDB_ABI_VERSION) != ANIDB_SUCCESS) return 1;
    char ed2k[33];
    if (anidb_calculate_hash_buffer((const uint8_t*)"abc", 3, ANIDB_HASH_ED2K, ed2k, sizeof ed2k) != ANIDB_SUCCESS)
        return 2;
    printf("%s %s\\n", anidb_get_version(), ed2k);
    anidb_cleanup();
    return strcmp(anidb_get_version(), ANIDB_VERSION_STRING) == 0 ? 0 : 3;
}
"""

# The C++ header of the dev package: the FFI memory model's spelling.
MAIN_CPP = """#include <anidb/anidb.hpp>
#include <cstdio>
int main() {
    if (anidb_init(ANIDB_ABI_VERSION) != AniDBResult::Success) return 1;
    void* handle = nullptr;
    AniDBResult status = anidb_client_set_option(handle, "x", "y");
    const char* error_msg = anidb_client_get_last_error(handle);  // NULL: no such client
    std::printf("%d %s\\n", static_cast<int>(status.code()), error_msg == nullptr ? "null" : error_msg);
    anidb_cleanup();
    return status == AniDBResult::ErrorInvalidHandle ? 0 : 2;
}
"""


def test_cmake_package_from_the_packages(build: Build, installed_root: Path, tmp_path: Path):
    source = tmp_path / "consumer"
    source.mkdir()
    (source / "CMakeLists.txt").write_text(CONSUMER.format(version=build.version))
    (source / "main.c").write_text(MAIN)
    (source / "main.cpp").write_text(MAIN_CPP)
    binary = tmp_path / "consumer-build"
    run([build.cmake, "-S", str(source), "-B", str(binary), "-G", "Ninja",
         f"-DCMAKE_PREFIX_PATH={installed_root}/usr", "-DCMAKE_BUILD_TYPE=Release"],
        env=clean_env())
    run([build.cmake, "--build", str(binary)], env=clean_env())
    lib = installed_root / f"usr/{build.libdir}"
    shared = run([str(binary / "shared_app")], env=clean_env(LD_LIBRARY_PATH=str(lib)))
    assert shared.stdout.split() == [build.version, "a448017aaf21d8525fc10ae87aa6729d"]
    assert "libanidb.so" in run(["objdump", "-p", str(binary / "shared_app")]).stdout
    static = run([str(binary / "static_app")], env=clean_env())
    assert static.stdout.split() == [build.version, "a448017aaf21d8525fc10ae87aa6729d"]
    assert "libanidb.so" not in run(["objdump", "-p", str(binary / "static_app")]).stdout
    cxx = run([str(binary / "cxx_app")], env=clean_env(LD_LIBRARY_PATH=str(lib)))
    assert cxx.stdout.split() == ["1", "null"]
