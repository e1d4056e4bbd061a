# ANIDB_SANITIZE="address,undefined" or "thread" instruments everything we
# build (library, tests, examples). UBSan findings are fatal.
if(ANIDB_SANITIZE)
  add_compile_options(-fsanitize=${ANIDB_SANITIZE} -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${ANIDB_SANITIZE})
  if(ANIDB_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
  add_compile_definitions(ANIDB_SANITIZED=1)
endif()

# The libFuzzer build instruments every component for coverage; only the
# fuzz target executables link the fuzzer's main.
if(ANIDB_BUILD_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
