#include "queue/coalescing.h"

namespace anidb::queue {

udp::MylistValues overlay(udp::MylistValues older, const udp::MylistValues& newer) {
    if (newer.state) older.state = newer.state;
    if (newer.viewed) {
        older.viewed = newer.viewed;
        older.viewdate = newer.viewdate;
    }
    if (newer.source) older.source = newer.source;
    if (newer.storage) older.storage = newer.storage;
    if (newer.other) older.other = newer.other;
    return older;
}

Coalesced coalesce(const std::optional<TailJob>& tail, std::optional<int64_t> waiting_identify,
                   const JobSpec& incoming) {
    if (std::holds_alternative<IdentifyJob>(incoming)) {
        if (waiting_identify) return DropAsDuplicate{*waiting_identify};
        return Append{};
    }
    if (!tail || tail->running || kind_of(tail->spec) != kind_of(incoming)) return Append{};
    if (std::holds_alternative<RemoveJob>(incoming)) return DropAsDuplicate{tail->id};
    if (std::holds_alternative<WatchedJob>(incoming)) return MergeInto{tail->id, incoming};
    if (const auto* add = std::get_if<AddJob>(&incoming))
        return MergeInto{tail->id,
                         AddJob{overlay(std::get<AddJob>(tail->spec).values, add->values)}};
    if (const auto* edit = std::get_if<EditJob>(&incoming))
        return MergeInto{tail->id,
                         EditJob{overlay(std::get<EditJob>(tail->spec).values, edit->values)}};
    return Append{};
}

}  // namespace anidb::queue
