// anidb::mylist::MylistStore — what this machine last learnt from AniDB
// about the user's MyList, one state per AniDB file id, kept in the cache
// database file (mylist_schema.h). It follows every MyList answer, so that
// a repeated "mark watched" or "show" is answered without a packet:
//
//   answer                                      record with
//   221 MYLIST / 310 FILE ALREADY IN MYLIST     record_entry(entry)
//   321 NO SUCH ENTRY (asked by fid or file)    record_absent(fid)
//   210 MYLIST ENTRY ADDED                      record_added(file ids, lid, values sent)
//   311 MYLIST ENTRY EDITED                     record_edited(lid or fid, values sent)
//   211 / 411 of MYLISTDEL                      record_removed_lid(lid) / record_absent(fid)
//
// Every row carries a CRC-32 of its values and is checked, with the form of
// each value, when it is read: a damaged row reads as unknown (nullopt),
// never as a wrong state. The store never asks AniDB anything itself.
//
// Ownership: open() returns the sole owner of the store, which shares the
// CacheDb it is given. Thread safety: every member may be called from
// several threads; calls are serialised on the CacheDb's lock; several
// processes may share the file (each write is one transaction).
// Errors: no member throws; Errc::cache for SQLite failures (message names
// the file), Errc::busy after 30 s of a locked database,
// Errc::invalid_parameter for ids that are not AniDB ids.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "anidb/mylist_commands.h"
#include "common/result.h"

namespace anidb::cache {
class CacheDb;
}

namespace anidb::mylist {

// The file is in MyList: the entry as AniDB last described it (or as it
// became after an add or edit that AniDB confirmed).
struct KnownEntry {
    udp::MylistEntry entry;
    int64_t confirmed_at = 0;  // Unix time of the answer
};
// AniDB said the file is not in MyList.
struct KnownAbsent {
    int64_t fid = 0;
    int64_t confirmed_at = 0;
};
using LocalState = std::variant<KnownEntry, KnownAbsent>;

// The ids a FILE answer gives, which a 210 reply does not repeat.
struct FileIds {
    int64_t fid = 0, eid = 0, aid = 0, gid = 0;
};

class MylistStore {
  public:
    static Result<std::unique_ptr<MylistStore>> open(std::shared_ptr<cache::CacheDb> db) noexcept;
    ~MylistStore();
    MylistStore(const MylistStore&) = delete;
    MylistStore& operator=(const MylistStore&) = delete;

    // What is known about file `fid`; nullopt when nothing (or the row is
    // damaged).
    Result<std::optional<LocalState>> find(int64_t fid) noexcept;
    // The entry with MyList id `lid`, if known.
    Result<std::optional<KnownEntry>> find_by_lid(int64_t lid) noexcept;

    // 221 / 310: the entry as AniDB sent it (replaces what was known of its
    // fid, and of any other fid that held the same lid).
    Status record_entry(const udp::MylistEntry& entry, int64_t at) noexcept;
    // 321 for a file, or a removal: the file is not in MyList.
    Status record_absent(int64_t fid, int64_t at) noexcept;
    // 210: a new entry for the file, made of the values sent (viewed
    // without a date took `at` on AniDB's side, near enough).
    Status record_added(const FileIds& file, int64_t lid, const udp::MylistValues& sent,
                        int64_t at) noexcept;
    // 311: the values sent now hold for the entry (by lid, or by fid). An
    // entry not known here stays unknown (its other values are not known).
    Status record_edited(const udp::MylistEntryRef& entry, const udp::MylistValues& sent,
                         int64_t at) noexcept;
    // 211 / 411 of MYLISTDEL lid=: the entry is gone, its file not in MyList.
    Status record_removed_lid(int64_t lid, int64_t at) noexcept;
    // Forgets what is known of the file (e.g. the user changed MyList on
    // the website).
    Status forget(int64_t fid) noexcept;
    // Forgets everything (`anidb cache clear`): every file is unknown again.
    Status forget_all() noexcept;
    // Every known state, by fid (for listings).
    Result<std::vector<LocalState>> all() noexcept;

  private:
    explicit MylistStore(std::shared_ptr<cache::CacheDb> db);
    std::shared_ptr<cache::CacheDb> db_;
};

// The entry with `sent` applied as AniDB applies an edit: only values sent
// change; viewed=0 clears the view date, viewed=1 without a date takes `at`.
udp::MylistEntry apply_values(udp::MylistEntry entry, const udp::MylistValues& sent, int64_t at);

}  // namespace anidb::mylist
