// libFuzzer target for the C ABI's string and option handling: arbitrary
// bytes as option keys and values, paths, ED2K strings, algorithm values and
// buffer sizes. Every call must return a result code — no crash, no write
// past a buffer (ASan), no undefined behaviour (UBSan) — and leave no
// allocation behind.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "anidb/anidb.h"

namespace {

// Splits the input at NUL bytes into NUL-terminated strings.
std::vector<std::string> split(const uint8_t* data, size_t size) {
    std::vector<std::string> out(1);
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == 0) {
            out.emplace_back();
        } else {
            out.back().push_back(static_cast<char>(data[i]));
        }
    }
    return out;
}

anidb_client_handle_t the_client() {
    static anidb_client_handle_t client = [] {
        anidb_init(ANIDB_ABI_VERSION);
        anidb_config_t cfg{};
        cfg.cache_dir = "/tmp/anidb-fuzz-capi";
        anidb_client_handle_t h = nullptr;
        anidb_client_create_with_config(&cfg, &h);
        return h;
    }();
    return client;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 4) return 0;
    anidb_client_handle_t client = the_client();
    int raw_algorithm = 0;
    std::memcpy(&raw_algorithm, data, sizeof raw_algorithm);
    // This harness is C++, where an enum value outside the type's range
    // (0..7 for anidb_hash_algorithm_t, 0..127 for anidb_result_t) may not
    // even be formed; 0, 6 and 7 are still unknown algorithms to the library.
    // (C callers may pass any int: tests/capi covers that.)
    const auto algorithm = static_cast<anidb_hash_algorithm_t>(raw_algorithm & 7);
    const size_t buffer_size = data[0] % 48;
    const auto parts = split(data + 4, size - 4);

    // Options with arbitrary keys and values — but never credentials or the
    // server, so that identification stops at NO_CREDENTIALS: no traffic.
    const auto allowed = [](const std::string& key) {
        return key.find("username") == std::string::npos &&
               key.find("password") == std::string::npos && key.find("server") == std::string::npos;
    };
    if (parts.size() >= 2 && allowed(parts[0])) {
        anidb_client_set_option(client, parts[0].c_str(), parts[1].c_str());
    }
    // Hash a buffer into a buffer of arbitrary size.
    std::vector<char> out(buffer_size + 1, '\x55');
    anidb_calculate_hash_buffer(data, size, algorithm, out.data(), buffer_size);
    if (out[buffer_size] != '\x55') std::abort();  // wrote past the size
    anidb_hash_buffer_size(algorithm);
    anidb_hash_algorithm_name(algorithm);
    anidb_error_string(static_cast<anidb_result_t>(raw_algorithm & 127));

    // Paths and hashes from the input.
    // Up to 6 algorithms (every value, ED2K_BLUE included) are read; a
    // count of 7 exceeds the array but is refused before it is read.
    anidb_hash_algorithm_t algos[6] = {
        algorithm,      ANIDB_HASH_CRC32,
        ANIDB_HASH_MD5, static_cast<anidb_hash_algorithm_t>(data[2] & 7),
        ANIDB_HASH_TTH, ANIDB_HASH_ED2K_BLUE};
    anidb_process_options_t options{};
    options.algorithms = algos;
    options.algorithm_count = data[1] % 8;
    for (const auto& s : parts) {
        anidb_file_result_t* result = nullptr;
        if (s.rfind("/proc", 0) != 0 && s.rfind("/dev", 0) != 0 && s.rfind("/sys", 0) != 0) {
            anidb_process_file(client, s.c_str(), &options, &result);
            anidb_free_file_result(result);
        }
        anidb_anime_info_t* info = nullptr;
        anidb_identify_file(client, s.c_str(), size, &info);  // no credentials: no traffic
        anidb_free_anime_info(info);
        int cached = 0;
        anidb_cache_check_file(client, s.c_str(), algorithm, &cached);
        char* str = anidb_client_get_last_error_string(client);
        anidb_free_string(str);
    }
    char small[5];
    anidb_client_get_last_error(client, small, data[2] % sizeof small);
    anidb_get_last_error(small, data[3] % sizeof small);

    uint64_t count = 0, bytes = 0;
    anidb_check_memory_leaks(&count, &bytes);
    if (count != 0) std::abort();  // every result was freed above
    return 0;
}
