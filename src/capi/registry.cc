#include <unordered_map>

#include "capi/capi_internal.h"

namespace anidb::capi {

struct Registry::State {
    mutable std::mutex mutex;
    uint64_t next = 1;
    std::unordered_map<uint64_t, std::shared_ptr<ClientEntry>> clients;
    std::unordered_map<uint64_t, std::shared_ptr<OperationEntry>> operations;
    std::unordered_map<uint64_t, std::shared_ptr<BatchEntry>> batches;

    void* make_handle(HandleKind kind) {
        const uint64_t id = (static_cast<uint64_t>(kind) << 56) | (next++ & 0x00FFFFFFFFFFFFFFULL);
        return reinterpret_cast<void*>(static_cast<uintptr_t>(id));
    }
};

Registry& Registry::instance() {
    static auto* registry = new Registry();  // lives until exit: handles may outlive statics
    return *registry;
}

Registry::State& Registry::state() const {
    static auto* s = new State();
    return *s;
}

namespace {
template <typename Map>
auto find_in(const Map& map, const void* handle) -> typename Map::mapped_type {
    auto it = map.find(Registry::id_of(handle));
    return it == map.end() ? nullptr : it->second;
}
template <typename Map>
auto take_from(Map& map, const void* handle) -> typename Map::mapped_type {
    auto it = map.find(Registry::id_of(handle));
    if (it == map.end()) return nullptr;
    auto value = std::move(it->second);
    map.erase(it);
    return value;
}
}  // namespace

void* Registry::add_client(std::shared_ptr<ClientEntry> entry) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    void* h = s.make_handle(HandleKind::client);
    entry->id = id_of(h);
    s.clients.emplace(id_of(h), std::move(entry));
    return h;
}
void* Registry::add_operation(std::shared_ptr<OperationEntry> entry) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    void* h = s.make_handle(HandleKind::operation);
    s.operations.emplace(id_of(h), std::move(entry));
    return h;
}
void* Registry::add_batch(std::shared_ptr<BatchEntry> entry) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    void* h = s.make_handle(HandleKind::batch);
    s.batches.emplace(id_of(h), std::move(entry));
    return h;
}

std::shared_ptr<ClientEntry> Registry::client(const void* handle) const {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    return find_in(s.clients, handle);
}
std::shared_ptr<OperationEntry> Registry::operation(const void* handle) const {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    return find_in(s.operations, handle);
}
std::shared_ptr<BatchEntry> Registry::batch(const void* handle) const {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    return find_in(s.batches, handle);
}

std::shared_ptr<ClientEntry> Registry::take_client(const void* handle) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    return take_from(s.clients, handle);
}
std::shared_ptr<OperationEntry> Registry::take_operation(const void* handle) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    return take_from(s.operations, handle);
}
std::shared_ptr<BatchEntry> Registry::take_batch(const void* handle) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    return take_from(s.batches, handle);
}

void Registry::take_children(uint64_t client_id, std::vector<std::shared_ptr<OperationEntry>>& ops,
                             std::vector<std::shared_ptr<BatchEntry>>& batches) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    for (auto it = s.operations.begin(); it != s.operations.end();) {
        if (it->second->client_id == client_id) {
            ops.push_back(std::move(it->second));
            it = s.operations.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = s.batches.begin(); it != s.batches.end();) {
        if (it->second->client_id == client_id) {
            batches.push_back(std::move(it->second));
            it = s.batches.erase(it);
        } else {
            ++it;
        }
    }
}

std::vector<std::shared_ptr<ClientEntry>> Registry::take_all_clients() {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    std::vector<std::shared_ptr<ClientEntry>> out;
    for (auto& [id, entry] : s.clients) out.push_back(std::move(entry));
    s.clients.clear();
    return out;
}

}  // namespace anidb::capi
