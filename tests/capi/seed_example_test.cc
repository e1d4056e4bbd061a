// The FFI memory model document's "Complete Memory Management" example,
// compiled unchanged as C++20 against anidb/anidb.hpp. seed_example.inc is a
// byte-identical copy of it (the capi_seed_example_text test compares them);
// only the `algorithms` array the example uses is declared before it.
#include <cstdio>

#include "anidb/anidb.hpp"

int main() {
    const AniDBHashAlgorithm algorithms[] = {ANIDB_HASH_ED2K, ANIDB_HASH_CRC32};
#include "seed_example.inc"
    return 0;
}
