# cmake --install: the header, both libraries, anidb.pc and a CMake package
# (find_package(anidb) gives anidb::anidb).
include(CMakePackageConfigHelpers)

install(FILES include/anidb/anidb.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/anidb)
install(TARGETS anidb anidb_static EXPORT anidbTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT anidbTargets NAMESPACE anidb:: FILE anidbTargets.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/anidb)

configure_package_config_file(cmake/anidbConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/anidbConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/anidb)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/anidbConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/anidbConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/anidbConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/anidb)

configure_file(cmake/anidb.pc.in ${CMAKE_CURRENT_BINARY_DIR}/anidb.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/anidb.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
