# -Wall -Wextra -Werror on our own code (never on third-party headers, which
# are included as SYSTEM).
function(anidb_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror -Wnon-virtual-dtor
    $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>
    $<$<COMPILE_LANGUAGE:CXX>:-Wold-style-cast>)
endfunction()
