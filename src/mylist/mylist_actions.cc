#include "mylist/mylist_actions.h"

namespace anidb::mylist {
namespace {

using What = MylistChange::What;

// At most: ask, then add (310), then edit.
constexpr int kMaxRounds = 4;

bool trusted(int64_t confirmed_at, int64_t now) {
    return confirmed_at <= now &&
           now - confirmed_at < std::chrono::seconds(kLocalStateTrust).count();
}

const KnownEntry* entry_of(const std::optional<LocalState>& s) {
    return s ? std::get_if<KnownEntry>(&*s) : nullptr;
}

// Sends through a session taken only now; counts the command.
template <typename Send>
auto send(const SessionSource& source, MylistChange& change, Send&& body)
    -> decltype(body(std::declval<udp::Session&>())) {
    auto session = source();
    if (!session) return session.error();
    ++change.commands;
    return body(**session);
}

Error stuck() {
    return make_error(Errc::protocol, "AniDB's MyList answers did not settle (changed meanwhile?)");
}

}  // namespace

bool entry_has(const udp::MylistEntry& e, const udp::MylistValues& v) {
    if (v.state && static_cast<int64_t>(*v.state) != e.state) return false;
    if (v.viewed) {
        if (*v.viewed != e.watched()) return false;
        if (*v.viewed && v.viewdate && *v.viewdate != e.viewdate) return false;
    }
    if (v.source && *v.source != e.source) return false;
    if (v.storage && *v.storage != e.storage) return false;
    if (v.other && *v.other != e.other) return false;
    return true;
}

Result<MylistChange> mark_watched(const SessionSource& source, MylistStore& store,
                                  const FileIds& file, const WatchedWish& wish, int64_t now,
                                  const std::stop_token& stop) {
    MylistChange change;
    for (int round = 0; round < kMaxRounds; ++round) {
        auto known = store.find(file.fid);
        if (!known) return known.error();
        const WatchedPlan plan = plan_watched(*known, wish, now);
        if (std::holds_alternative<NothingToSend>(plan)) {
            const KnownEntry* e = entry_of(*known);
            change.lid = e ? e->entry.lid : 0;
            return change;
        }
        if (const auto* edit = std::get_if<EditEntry>(&plan)) {
            auto r = send(source, change, [&](udp::Session& s) {
                return udp::mylist_edit(s, udp::MylistId{edit->lid}, edit->values, stop);
            });
            if (r) {
                if (Status st = store.record_edited(udp::MylistId{edit->lid}, edit->values, now);
                    !st)
                    return st.error();
                change.what = What::edited;
                change.lid = edit->lid;
                return change;
            }
            if (r.code() != Errc::no_such_file) return r.error();
            // 411: the entry is gone (removed on the website); plan again.
            if (Status st = store.record_removed_lid(edit->lid, now); !st) return st.error();
            continue;
        }
        if (const auto* add = std::get_if<AddFile>(&plan)) {
            auto r = send(source, change, [&](udp::Session& s) {
                return udp::mylist_add(s, udp::FileId{file.fid}, add->values, stop);
            });
            if (!r) return r.error();
            if (const auto* added = std::get_if<udp::MylistAdded>(&*r)) {
                if (Status st = store.record_added(file, added->lid, add->values, now); !st)
                    return st.error();
                change.what = What::added;
                change.lid = added->lid;
                return change;
            }
            // 310: there already; its entry decides what is left to do.
            if (Status st = store.record_entry(std::get<udp::AlreadyInMylist>(*r).entry, now); !st)
                return st.error();
            continue;
        }
        auto r = send(source, change, [&](udp::Session& s) {
            return udp::mylist_query(s, udp::FileId{file.fid}, stop);
        });
        if (!r) return r.error();
        Status st = std::holds_alternative<udp::MylistEntry>(*r)
                        ? store.record_entry(std::get<udp::MylistEntry>(*r), now)
                        : store.record_absent(file.fid, now);
        if (!st) return st.error();
    }
    return stuck();
}

Result<MylistChange> add_to_mylist(const SessionSource& source, MylistStore& store,
                                   const FileIds& file, const udp::MylistValues& values,
                                   int64_t now, const std::stop_token& stop) {
    if (Status s = udp::check_values(values); !s) return s.error();
    MylistChange change;
    auto known = store.find(file.fid);
    if (!known) return known.error();
    const KnownEntry* e = entry_of(*known);
    if (e && trusted(e->confirmed_at, now) && entry_has(e->entry, values)) {
        change.lid = e->entry.lid;
        return change;
    }
    // Nothing to set on an entry not confirmed lately: ask by adding.
    int64_t lid = e && (!values.empty() || trusted(e->confirmed_at, now)) ? e->entry.lid : 0;
    for (int round = 0; round < kMaxRounds; ++round) {
        if (lid > 0) {
            if (values.empty()) {
                change.lid = lid;
                return change;
            }
            auto r = send(source, change, [&](udp::Session& s) {
                return udp::mylist_edit(s, udp::MylistId{lid}, values, stop);
            });
            if (r) {
                if (Status st = store.record_edited(udp::MylistId{lid}, values, now); !st)
                    return st.error();
                change.what = What::edited;
                change.lid = lid;
                return change;
            }
            if (r.code() != Errc::no_such_file) return r.error();
            if (Status st = store.record_removed_lid(lid, now); !st) return st.error();
            lid = 0;
            continue;
        }
        auto r = send(source, change, [&](udp::Session& s) {
            return udp::mylist_add(s, udp::FileId{file.fid}, values, stop);
        });
        if (!r) return r.error();
        if (const auto* added = std::get_if<udp::MylistAdded>(&*r)) {
            if (Status st = store.record_added(file, added->lid, values, now); !st)
                return st.error();
            change.what = What::added;
            change.lid = added->lid;
            return change;
        }
        const udp::MylistEntry& there = std::get<udp::AlreadyInMylist>(*r).entry;
        if (Status st = store.record_entry(there, now); !st) return st.error();
        if (entry_has(there, values)) {
            change.lid = there.lid;
            return change;
        }
        lid = there.lid;
    }
    return stuck();
}

Result<MylistChange> edit_in_mylist(const SessionSource& source, MylistStore& store,
                                    const FileIds& file, const udp::MylistValues& values,
                                    int64_t now, const std::stop_token& stop) {
    if (values.empty())
        return make_error(Errc::invalid_parameter, "a MyList edit needs a value to set");
    if (Status s = udp::check_values(values); !s) return s.error();
    MylistChange change;
    auto known = store.find(file.fid);
    if (!known) return known.error();
    const KnownEntry* e = entry_of(*known);
    if (e && trusted(e->confirmed_at, now) && entry_has(e->entry, values)) {
        change.lid = e->entry.lid;
        return change;
    }
    const udp::MylistEntryRef target = e ? udp::MylistEntryRef{udp::MylistId{e->entry.lid}}
                                         : udp::MylistEntryRef{udp::FileId{file.fid}};
    auto r = send(source, change,
                  [&](udp::Session& s) { return udp::mylist_edit(s, target, values, stop); });
    if (!r) {
        if (r.code() == Errc::no_such_file) {
            if (Status st = store.record_absent(file.fid, now); !st) return st.error();
        }
        return r.error();
    }
    if (Status st = store.record_edited(target, values, now); !st) return st.error();
    change.what = What::edited;
    change.lid = e ? e->entry.lid : 0;
    return change;
}

Result<MylistChange> remove_from_mylist(const SessionSource& source, MylistStore& store,
                                        const FileIds& file, int64_t now,
                                        const std::stop_token& stop) {
    MylistChange change;
    auto known = store.find(file.fid);
    if (!known) return known.error();
    if (*known) {
        if (const auto* absent = std::get_if<KnownAbsent>(&**known);
            absent && trusted(absent->confirmed_at, now))
            return change;
    }
    const KnownEntry* e = entry_of(*known);
    const udp::MylistRemoveRef target = e ? udp::MylistRemoveRef{udp::MylistId{e->entry.lid}}
                                          : udp::MylistRemoveRef{udp::FileId{file.fid}};
    auto r =
        send(source, change, [&](udp::Session& s) { return udp::mylist_remove(s, target, stop); });
    if (!r) return r.error();
    if (Status st = store.record_absent(file.fid, now); !st) return st.error();
    if (e && r->count == 0) {
        // The lid was stale; the file may still be in MyList under another.
        auto again = send(source, change, [&](udp::Session& s) {
            return udp::mylist_remove(s, udp::FileId{file.fid}, stop);
        });
        if (!again) return again.error();
        if (again->count > 0) change.what = What::removed;
        return change;
    }
    if (r->count > 0) change.what = What::removed;
    return change;
}

Result<MylistView> show_mylist(const SessionSource& source, MylistStore& store, const FileIds& file,
                               int64_t now, bool refresh, const std::stop_token& stop) {
    auto known = store.find(file.fid);
    if (!known) return known.error();
    if (*known && !refresh) {
        const int64_t at = std::visit([](const auto& s) { return s.confirmed_at; }, **known);
        if (trusted(at, now)) return MylistView{**known, true};
    }
    MylistChange unused;
    auto r = send(source, unused, [&](udp::Session& s) {
        return udp::mylist_query(s, udp::FileId{file.fid}, stop);
    });
    if (!r) return r.error();
    if (const auto* e = std::get_if<udp::MylistEntry>(&*r)) {
        if (Status st = store.record_entry(*e, now); !st) return st.error();
        return MylistView{KnownEntry{*e, now}, false};
    }
    if (Status st = store.record_absent(file.fid, now); !st) return st.error();
    return MylistView{KnownAbsent{file.fid, now}, false};
}

}  // namespace anidb::mylist
