# cmake --install and the Debian packages (cmake/AnidbPackaging.cmake) share
# these rules. Every rule names the install component it belongs to, and
# each component is one Debian package:
#   runtime  libanidb1     the shared library (SONAME libanidb.so.<SOVERSION>)
#   dev      libanidb-dev  headers, libanidb.so link, libanidb.a, anidb.pc,
#                          the CMake package (find_package(anidb))
#   cli      anidb         the command, its man page and completions (the
#                          rules in cli/CMakeLists.txt get this component
#                          by default, see the top-level CMakeLists.txt) and
#                          the systemd user units of cli/systemd/
include(CMakePackageConfigHelpers)

install(FILES include/anidb/anidb.h include/anidb/anidb.hpp
              ${PROJECT_BINARY_DIR}/include/anidb/anidb_version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/anidb COMPONENT dev)

install(TARGETS anidb EXPORT anidbTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS anidb_static EXPORT anidbStaticTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# The CMake package: anidb::anidb always; anidb::anidb_static when the
# development files of the libraries it links are found (anidbConfig.cmake).
set(ANIDB_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/anidb)
install(EXPORT anidbTargets NAMESPACE anidb:: FILE anidbTargets.cmake
  DESTINATION ${ANIDB_CMAKE_DIR} COMPONENT dev)
install(EXPORT anidbStaticTargets NAMESPACE anidb:: FILE anidbStaticTargets.cmake
  DESTINATION ${ANIDB_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(cmake/anidbConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/anidbConfig.cmake
  INSTALL_DESTINATION ${ANIDB_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/anidbConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/anidbConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/anidbConfigVersion.cmake
  DESTINATION ${ANIDB_CMAKE_DIR} COMPONENT dev)

# anidb.pc is written at install time, so its prefix is the one installed to
# (/usr in the Debian packages, /usr/local or --prefix for cmake --install)
# rather than the one the build was configured with.
install(CODE "set(ANIDB_PC_TEMPLATE \"${PROJECT_SOURCE_DIR}/cmake/anidb.pc.in\")
set(ANIDB_PC_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
set(ANIDB_PC_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
set(ANIDB_PC_DESCRIPTION \"${PROJECT_DESCRIPTION}\")
set(ANIDB_PC_VERSION \"${PROJECT_VERSION}\")"
  COMPONENT dev)
install(SCRIPT cmake/AnidbInstallPkgConfig.cmake COMPONENT dev)

# Systemd user units of the command: every cli/systemd/*.service goes to
# <prefix>/lib/systemd/user in the anidb package. `anidb watch` (issue #17)
# is expected to put anidb-watch.service there; nothing else is needed for
# it to be installed and packaged.
if(ANIDB_BUILD_CLI)
  file(GLOB ANIDB_USER_UNITS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/cli/systemd/*.service)
  if(ANIDB_USER_UNITS)
    install(FILES ${ANIDB_USER_UNITS} DESTINATION lib/systemd/user COMPONENT cli)
  endif()
endif()
