// anidb_init / anidb_cleanup / versions / error strings.
#include <atomic>

#include "capi/capi_internal.h"
#include "memory/buffer_pool.h"

using namespace anidb;
using namespace anidb::capi;

namespace anidb::capi {
namespace {
std::atomic<bool> g_initialised{false};
// The lowest ABI version passed to anidb_init since the last cleanup
// (0: none): caller-allocated structures are read in its layout.
std::atomic<uint32_t> g_caller_abi{0};
}  // namespace
bool library_initialised() {
    return g_initialised.load();
}
uint32_t caller_abi_version() {
    const uint32_t v = g_caller_abi.load();
    return v == 0 ? ANIDB_ABI_VERSION : v;
}
void destroy_client_entry(const std::shared_ptr<ClientEntry>& entry);  // client_api.cc
}  // namespace anidb::capi

extern "C" {

anidb_result_t anidb_init(uint32_t abi_version) {
    return with_no_handle([&] {
        if (abi_version == 0 || abi_version > ANIDB_ABI_VERSION) {
            return fail(Errc::version_mismatch,
                        "this libanidb implements ABIs 1 to " + std::to_string(ANIDB_ABI_VERSION) +
                            ", the caller asked for " + std::to_string(abi_version));
        }
        uint32_t seen = g_caller_abi.load();
        while ((seen == 0 || abi_version < seen) &&
               !g_caller_abi.compare_exchange_weak(seen, abi_version)) {
        }
        g_initialised = true;
        return ANIDB_SUCCESS;
    });
}

void anidb_cleanup(void) {
    (void)with_no_handle([] {
        g_initialised = false;
        g_caller_abi = 0;
        for (auto& entry : Registry::instance().take_all_clients()) destroy_client_entry(entry);
        memory::BufferPool::instance().clear();
        return ANIDB_SUCCESS;
    });
}

const char* anidb_get_version(void) {
    return ANIDB_VERSION_STRING;
}

uint32_t anidb_get_abi_version(void) {
    return ANIDB_ABI_VERSION;
}

const char* anidb_error_string(anidb_result_t error) {
    return errc_description(static_cast<Errc>(raw_enum(error)));
}

anidb_result_t anidb_get_last_error(char* buffer, size_t buffer_size) {
    return with_no_handle([&] {
        if (buffer == nullptr || buffer_size == 0) return ANIDB_ERROR_INVALID_PARAMETER;
        copy_to_buffer(thread_error(), buffer, buffer_size);
        return ANIDB_SUCCESS;
    });
}

}  // extern "C"
