# Debian packages of the install components (cmake/AnidbInstall.cmake):
#   cpack --config build/release/CPackConfig.cmake -B build/release/packages
# or, in the build folder, `cpack -G DEB`. Each component is one package:
#   libanidb<ABI>  the shared library       (Depends computed by dpkg-shlibdeps)
#   libanidb-dev   headers, .a, .pc, CMake  (Depends: libanidb<ABI> of the same version)
#   anidb          the command              (Depends computed by dpkg-shlibdeps)
# The versions are project(VERSION) plus ANIDB_DEB_REVISION (CMakeLists.txt).
# tests/packaging builds them and checks their contents and fields;
# scripts/check-debian-packages installs them into a fresh Debian 12 root.

set(CPACK_PACKAGE_NAME anidb)
set(CPACK_PACKAGE_VENDOR "libanidb")
set(CPACK_PACKAGE_CONTACT "libanidb maintainers <maintainers@users.noreply.b-seed-9c22c521.example>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package's description starts with its own summary line; the options
# file keeps CPack from prepending the project's to all three.
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/AnidbCPackOptions.cmake)
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Folders are 0755 whatever the umask of the machine that builds them.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
if(TARGET anidb_cli)
  list(APPEND CPACK_COMPONENTS_ALL cli)
endif()

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${ANIDB_DEB_REVISION})
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libanidb${ANIDB_SOVERSION})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# A shlibs file (libanidb <ABI> libanidb<ABI> (>= version)) in the package
# with the shared library, so packages built against it get the right
# Depends. CPack adds the ldconfig calls on install and removal.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "library to hash and identify anime files against AniDB
libanidb hashes files with ED2K, CRC32, MD5, SHA1 and TTH in one read,
identifies them through AniDB's UDP API within its flood rules, adds them
to MyList and caches every hash and answer in SQLite. Its interface is a
stable C ABI. This package holds the shared library.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libanidb-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# Static linking (libanidb.a, pkg-config --static, anidb::anidb_static)
# needs the development files of what the library links.
set(CPACK_DEBIAN_DEV_PACKAGE_SUGGESTS
  "libssl-dev, libsqlite3-dev, zlib1g-dev, libcurl4-openssl-dev, librhash-dev, libisal-dev")
set(CPACK_DEBIAN_DEV_DESCRIPTION "library to hash and identify anime files against AniDB - development files
libanidb hashes, identifies and catalogues anime files against AniDB.
This package holds the C header, the libanidb.so link, the static
library libanidb.a, the pkg-config file anidb.pc and the CMake package
(find_package(anidb) gives anidb::anidb).")

set(CPACK_DEBIAN_CLI_PACKAGE_NAME anidb)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_CLI_DESCRIPTION "hash, identify and catalogue anime files against AniDB
The anidb command hashes, checks, identifies, renames and adds anime files
to AniDB's MyList from the shell, with a man page and bash and zsh
completions.")

include(CPack)
cpack_add_component(runtime DISPLAY_NAME "Shared library")
cpack_add_component(dev DISPLAY_NAME "Development files" DEPENDS runtime)
cpack_add_component(cli DISPLAY_NAME "The anidb command")
