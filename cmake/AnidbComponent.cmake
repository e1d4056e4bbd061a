# anidb_component(NAME SOURCES a.cc b.cc [DEPENDS anidb_memory ...])
# Defines the static library anidb_NAME from one src/ folder. Objects are
# PIC with hidden visibility (only src/capi marks functions for export), and
# they go into libanidb.so / libanidb.a. DEPENDS names other components.
function(anidb_component name)
  cmake_parse_arguments(C "" "" "SOURCES;DEPENDS" ${ARGN})
  set(target anidb_${name})
  add_library(${target} STATIC ${C_SOURCES})
  set_target_properties(${target} PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_include_directories(${target} PUBLIC
    ${PROJECT_SOURCE_DIR}/include ${PROJECT_BINARY_DIR}/include ${PROJECT_SOURCE_DIR}/src)
  target_include_directories(${target} SYSTEM PUBLIC ${ISAL_INCLUDE_DIR} ${RHASH_INCLUDE_DIR})
  target_compile_definitions(${target} PRIVATE ANIDB_BUILDING_LIBRARY)
  target_link_libraries(${target} PUBLIC ${C_DEPENDS} ${ANIDB_DEPENDENCIES})
  anidb_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY ANIDB_COMPONENTS ${target})
endfunction()
