// Last errors, string checks and buffer copies shared by the C ABI files.
#include <algorithm>
#include <cstring>

#include "capi/capi_internal.h"
#include "common/utf8.h"

namespace anidb::capi {
namespace {
thread_local std::string t_last_error;
thread_local ClientEntry* t_client = nullptr;  // the client of the call running on this thread
std::atomic<uint64_t> g_error_sequence{0};     // orders a thread's slot against the client's own
}  // namespace

const std::string& thread_error() {
    return t_last_error;
}

void ClientErrors::record_for_this_thread(const std::string& message) {
    const auto me = std::this_thread::get_id();
    std::lock_guard lock(mutex_);
    const uint64_t sequence = ++g_error_sequence;
    for (auto& [thread, slot] : by_thread_) {
        if (thread == me) {
            slot = Slot{message, sequence};
            return;
        }
    }
    if (by_thread_.size() >= kMaxThreads) {
        // Threads that are gone leave their slot; the oldest goes first.
        auto oldest = std::min_element(
            by_thread_.begin(), by_thread_.end(),
            [](const auto& x, const auto& y) { return x.second.sequence < y.second.sequence; });
        by_thread_.erase(oldest);
    }
    by_thread_.emplace_back(me, Slot{message, sequence});
}

void ClientErrors::record_own(const std::string& message) {
    std::lock_guard lock(mutex_);
    own_ = Slot{message, ++g_error_sequence};
}

std::string ClientErrors::for_this_thread() const {
    const auto me = std::this_thread::get_id();
    std::lock_guard lock(mutex_);
    const Slot* best = &own_;
    for (const auto& [thread, slot] : by_thread_) {
        if (thread == me && slot.sequence > best->sequence) best = &slot;
    }
    return best->message;
}

anidb_result_t fail(Errc code, const std::string& message) {
    std::string text =
        message.empty() ? std::string(errc_description(code)) : to_valid_utf8(message);
    if (t_client != nullptr) t_client->errors.record_for_this_thread(text);
    t_last_error = std::move(text);
    return to_c(code);
}

ClientScope::ClientScope(ClientEntry* entry) noexcept : previous_(t_client) {
    t_client = entry;
}
ClientScope::~ClientScope() {
    t_client = previous_;
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

std::optional<CAlgorithm> algorithm_from_c(int raw) noexcept {
    if (raw == ANIDB_HASH_ED2K_BLUE) {
        if (caller_abi_version() < 3) return std::nullopt;
        return CAlgorithm{hash::Algorithm::ed2k, true};
    }
    auto a = hash::algorithm_from_int(raw);
    if (!a) return std::nullopt;
    return CAlgorithm{*a, false};
}

Result<HashRequest> hash_request_from_c(const anidb_hash_algorithm_t* algorithms, size_t count) {
    if (algorithms == nullptr) return make_error(Errc::invalid_parameter, "algorithms is NULL");
    if (count == 0 || count > kMaxCAlgorithms) {
        return make_error(Errc::invalid_parameter, "algorithm_count must be 1 to " +
                                                       std::to_string(kMaxCAlgorithms) + ", got " +
                                                       std::to_string(count));
    }
    HashRequest req;
    for (size_t i = 0; i < count; ++i) {
        const int raw = raw_enum(algorithms[i]);
        auto a = algorithm_from_c(raw);
        if (!a) {
            return make_error(Errc::invalid_parameter,
                              "unknown hash algorithm " + std::to_string(raw));
        }
        const auto value = static_cast<anidb_hash_algorithm_t>(raw);
        if (std::find(req.requested.begin(), req.requested.end(), value) != req.requested.end()) {
            return make_error(Errc::invalid_parameter, std::string("duplicate hash algorithm ") +
                                                           anidb_hash_algorithm_name(value));
        }
        req.requested.push_back(value);
        if (std::find(req.core.begin(), req.core.end(), a->core) == req.core.end()) {
            req.core.push_back(a->core);
        }
    }
    if (auto valid = hash::validate_algorithms(req.core); !valid) return valid.error();
    return req;
}

}  // namespace anidb::capi
