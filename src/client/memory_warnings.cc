#include "client/memory_warnings.h"

#include <algorithm>
#include <mutex>
#include <vector>

#include "client/client.h"
#include "memory/memory_budget.h"

namespace anidb::client {
namespace {

struct Listeners {
    std::mutex mutex;
    std::vector<std::weak_ptr<Client>> clients;
};

Listeners& listeners() {
    static auto* l = new Listeners();  // lives until exit, like the budget
    return *l;
}

// The budget calls this on every change of pressure level; only entering
// Critical warns. Clients are collected under the lock and told outside it
// (a queued warning takes no memory, so telling never re-enters the budget).
void on_pressure(memory::Pressure previous, memory::Pressure current, uint64_t used,
                 uint64_t limit) {
    if (current != memory::Pressure::critical || previous == memory::Pressure::critical) return;
    std::vector<std::shared_ptr<Client>> live;
    {
        auto& l = listeners();
        std::lock_guard lock(l.mutex);
        for (const auto& weak : l.clients) {
            if (auto c = weak.lock()) live.push_back(std::move(c));
        }
    }
    for (const auto& c : live) c->events().emit(Event::memory_warning(used, limit));
}

}  // namespace

void hear_memory_warnings(const std::shared_ptr<Client>& client) {
    static std::once_flag once;
    std::call_once(once,
                   [] { memory::MemoryBudget::instance().add_pressure_listener(on_pressure); });
    auto& l = listeners();
    std::lock_guard lock(l.mutex);
    std::erase_if(l.clients, [](const std::weak_ptr<Client>& w) { return w.expired(); });
    l.clients.push_back(client);
}

}  // namespace anidb::client
