// Last errors, string checks and buffer copies shared by the C ABI files.
#include <cstring>

#include "capi/capi_internal.h"
#include "common/utf8.h"

namespace anidb::capi {
namespace {
thread_local std::string t_last_error;
}

void set_thread_error(Errc code, std::string message) {
    t_last_error = message.empty() ? errc_description(code) : to_valid_utf8(message);
}

const std::string& thread_error() { return t_last_error; }

void ClientEntry::set_error(Errc code, std::string message) {
    std::lock_guard lock(error_mutex);
    last_error = message.empty() ? errc_description(code) : to_valid_utf8(message);
}

anidb_result_t fail(ClientEntry* entry, Errc code, std::string message) {
    if (entry != nullptr) {
        entry->set_error(code, std::move(message));
    } else {
        set_thread_error(code, std::move(message));
    }
    return to_c(code);
}

Status check_string(const char* s, const char* what) {
    if (s == nullptr) return make_error(Errc::invalid_parameter, std::string(what) + " is NULL");
    return check_optional_string(s, what);
}

Status check_optional_string(const char* s, const char* what) {
    if (s != nullptr && !is_valid_utf8(s)) {
        return make_error(Errc::invalid_utf8, std::string(what) + " is not valid UTF-8");
    }
    return {};
}

void copy_to_buffer(std::string_view message, char* buffer, size_t size) {
    size_t n = std::min(message.size(), size - 1);
    // Back off to a code point boundary so the copy stays valid UTF-8.
    while (n > 0 && n < message.size() && (static_cast<unsigned char>(message[n]) & 0xC0) == 0x80) {
        --n;
    }
    std::memcpy(buffer, message.data(), n);
    buffer[n] = '\0';
}

Result<std::vector<hash::Algorithm>> algorithms_from_c(const anidb_hash_algorithm_t* algorithms,
                                                       size_t count) {
    if (algorithms == nullptr) return make_error(Errc::invalid_parameter, "algorithms is NULL");
    if (count == 0 || count > hash::kMaxAlgorithms) {
        return make_error(Errc::invalid_parameter,
                          "algorithm_count must be 1 to 5, got " + std::to_string(count));
    }
    std::vector<hash::Algorithm> out;
    for (size_t i = 0; i < count; ++i) {
        const int raw = raw_enum(algorithms[i]);
        auto a = hash::algorithm_from_int(raw);
        if (!a) return make_error(Errc::invalid_parameter, "unknown hash algorithm " + std::to_string(raw));
        out.push_back(*a);
    }
    if (auto valid = hash::validate_algorithms(out); !valid) return valid.error();
    return out;
}

}  // namespace anidb::capi
