// anidb.h compiles as C++ with our warnings and its enum values are usable
// as constants (the ABI fixes them).
#include "anidb/anidb.h"

static_assert(ANIDB_SUCCESS == 0 && ANIDB_ERROR_UNKNOWN == 99);
static_assert(ANIDB_HASH_TTH == 5 && ANIDB_STATUS_CANCELLED == 4);
static_assert(ANIDB_EVENT_MEMORY_WARNING == 9 && ANIDB_CALLBACK_EVENT == 4);

int main() { return anidb_get_abi_version() == ANIDB_ABI_VERSION ? 0 : 1; }
