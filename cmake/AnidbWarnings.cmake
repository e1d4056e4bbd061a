# -Wall -Wextra -Werror on our own code (never on third-party headers, which
# are included as SYSTEM).
function(anidb_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror -Wnon-virtual-dtor
    $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>
    # GCC 12 at -O3 reports std::string operations as overlapping memcpy
    # (GCC bug 105329, a false positive); it stays a warning, not an error.
    $<$<CXX_COMPILER_ID:GNU>:-Wno-error=restrict>
    $<$<COMPILE_LANGUAGE:CXX>:-Wold-style-cast>)
endfunction()
