# Install-time half of anidb.pc (see cmake/AnidbInstall.cmake): runs inside
# cmake_install.cmake, where CMAKE_INSTALL_PREFIX is the prefix being
# installed to and the ANIDB_PC_* variables were set by the rule before.
set(ANIDB_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(anidb_pc_file "${ANIDB_PC_PREFIX}/${ANIDB_PC_LIBDIR}/pkgconfig/anidb.pc")
if(IS_ABSOLUTE "${anidb_pc_file}")
  set(anidb_pc_file "$ENV{DESTDIR}${anidb_pc_file}")
endif()
message(STATUS "Installing: ${anidb_pc_file}")
configure_file("${ANIDB_PC_TEMPLATE}" "${anidb_pc_file}" @ONLY)
list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${anidb_pc_file}")
