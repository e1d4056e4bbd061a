#include "mylist/watched_plan.h"

namespace anidb::mylist {
namespace {

udp::MylistValues watched_values(const WatchedWish& wish) {
    udp::MylistValues v;
    v.viewed = true;
    v.viewdate = wish.date.value_or(wish.asked_at);
    return v;
}

bool trusted(int64_t confirmed_at, int64_t now) {
    return confirmed_at <= now &&
           now - confirmed_at < std::chrono::seconds(kLocalStateTrust).count();
}

}  // namespace

WatchedPlan plan_watched(const std::optional<LocalState>& known, const WatchedWish& wish,
                         int64_t now) {
    const KnownEntry* entry = known ? std::get_if<KnownEntry>(&*known) : nullptr;
    const KnownAbsent* absent = known ? std::get_if<KnownAbsent>(&*known) : nullptr;
    if (entry && !trusted(entry->confirmed_at, now)) entry = nullptr;
    if (absent && !trusted(absent->confirmed_at, now)) absent = nullptr;

    if (entry) {
        const udp::MylistEntry& e = entry->entry;
        if (!wish.watched) {
            if (!e.watched()) return NothingToSend{};
            udp::MylistValues v;
            v.viewed = false;
            return EditEntry{e.lid, v};
        }
        if (e.watched() && (!wish.date || *wish.date == e.viewdate)) return NothingToSend{};
        return EditEntry{e.lid, watched_values(wish)};
    }
    if (!wish.watched) return absent ? WatchedPlan{NothingToSend{}} : WatchedPlan{AskAniDB{}};
    udp::MylistValues v = watched_values(wish);
    v.state = udp::MylistState::internal;  // a file a player just played is on this machine
    return AddFile{v};
}

}  // namespace anidb::mylist
