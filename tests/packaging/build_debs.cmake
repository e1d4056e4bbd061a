# cmake -DCPACK=<cpack> -DCONFIG=<CPackConfig.cmake> -DOUT=<folder> -P build_debs.cmake
# Makes the Debian packages of a build into OUT, emptied first.
file(REMOVE_RECURSE "${OUT}")
execute_process(COMMAND "${CPACK}" --config "${CONFIG}" -B "${OUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cpack failed: ${rc}")
endif()
file(GLOB debs "${OUT}/*.deb")
list(LENGTH debs count)
message(STATUS "${count} packages in ${OUT}")
