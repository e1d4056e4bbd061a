// FilePipeline: one file through the cache and the hashing engine.
#include "client/file_pipeline.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace anidb::client {
namespace {

uint64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - since)
                                     .count());
}

Event file_event(EventType type, const std::string& path, uint64_t size) {
    Event e = Event::now(type);
    e.subject = path;
    e.number = size;
    return e;
}

Event algorithm_event(EventType type, const std::string& path, hash::Algorithm a,
                      std::string value = {}) {
    Event e = Event::now(type);
    e.subject = path;
    e.algorithm = a;
    e.value = std::move(value);
    return e;
}

// The cache's identity and the hasher's stamp name the same version of a
// file (the device is not compared: see cache::FileIdentity).
bool same_version(const cache::FileIdentity& id, const io::FileStamp& stamp) {
    return id.size == stamp.size && id.mtime_ns == stamp.mtime_ns && id.inode == stamp.inode;
}

void adopt_stamp(cache::FileIdentity& id, const io::FileStamp& stamp) {
    id.size = stamp.size;
    id.mtime_ns = stamp.mtime_ns;
    id.inode = stamp.inode;
    id.device = stamp.device;
}

}  // namespace

Result<FileResult> FilePipeline::process_file(const std::filesystem::path& path,
                                              const ProcessOptions& options, std::stop_token stop) {
    auto outcome = process_file_silently(path, options, std::move(stop));
    report_outcome(path, outcome);
    return outcome;
}

void FilePipeline::report_outcome(const std::filesystem::path& path,
                                  const Result<FileResult>& outcome) {
    Errc code = Errc::ok;
    if (!outcome) {
        code = outcome.error().code;
        context_.events().error(code, outcome.error().message, path.string());
    } else if (outcome->status != FileStatus::completed) {
        code = outcome->error;
        context_.events().error(code, outcome->error_message, path.string());
    }
    context_.events().completion(code);
}

Result<FileResult> FilePipeline::process_file_silently(const std::filesystem::path& path,
                                                       const ProcessOptions& options,
                                                       std::stop_token stop) {
    if (auto valid = hash::validate_algorithms(options.algorithms); !valid) return valid.error();
    if (auto running = context_.refuse_if_stopping(); !running) return running.error();

    auto lookup = look_up(path.native(), options);
    if (!lookup) return lookup.error();
    return process_looked_up(path.native(), options, std::move(stop), std::move(lookup).value());
}

Result<CacheLookup> FilePipeline::look_up(const std::string& path, const ProcessOptions& options) {
    // Identity for the cache (also tells a missing file early).
    CacheLookup lookup;
    lookup.usable = context_.cache() != nullptr && options.use_cache && context_.cache_enabled();
    if (lookup.usable) {
        auto id = cache::identify_native(path);
        if (!id) return id.error();
        lookup.identity = std::move(id).value();
    }
    // Without read_cache or verify_existing nothing cached is used: every
    // algorithm is hashed and stored (replacing whatever entry there is).
    if (lookup.usable && (options.read_cache || options.verify_existing)) {
        auto hit = context_.cache()->find_hashes(*lookup.identity);
        if (hit.ok()) {
            // A damaged entry comes without digests: everything is hashed.
            if (hit->has_value()) lookup.corrupt = (*hit)->corrupt;
            if (hit->has_value() && options.read_cache) lookup.cached = std::move((*hit)->digests);
        } else {
            context_.report_cache_problem(hit.error());
            lookup.usable = false;
        }
    }
    return lookup;
}

Result<FileResult> FilePipeline::process_looked_up(const std::string& path,
                                                   const ProcessOptions& options,
                                                   std::stop_token stop, CacheLookup lookup) {
    PendingFile pending = begin_file(path, options, std::move(lookup));
    if (pending.to_hash.empty()) return finish_file(std::move(pending), options, nullptr);

    hash::FileHashOptions hopts;
    hopts.algorithms = pending.to_hash;
    // One stop source fed by both the caller's token and client shutdown.
    std::stop_source combined;
    std::stop_callback from_caller(std::move(stop), [&] { combined.request_stop(); });
    std::stop_callback from_client(context_.shutdown_token(), [&] { combined.request_stop(); });
    hopts.stop = combined.get_token();
    const bool to_client = options.report_to_client_callbacks;
    if (options.progress || to_client) {
        hopts.progress = [&](uint64_t done, uint64_t total) {
            const float pct = total == 0 ? 100.0F
                                         : static_cast<float>(static_cast<double>(done) * 100.0 /
                                                              static_cast<double>(total));
            if (options.progress) {
                context_.events().call_serialized([&] { options.progress(pct, done, total); });
            }
            if (to_client) context_.events().progress(pct, done, total);
        };
    }
    auto hashed = hash::hash_file(std::filesystem::path(path), hopts);
    if (!hashed) return hashed.error();
    return finish_file(std::move(pending), options, &*hashed);
}

PendingFile FilePipeline::begin_file(const std::string& path, const ProcessOptions& options,
                                     CacheLookup lookup) {
    PendingFile pending;
    pending.lookup = std::move(lookup);
    FileResult& result = pending.result;
    result.path = path;
    result.status = FileStatus::processing;
    if (pending.lookup.identity) result.size = pending.lookup.identity->size;

    // The opening events are held back while the file may still be answered
    // from the cache alone: then they go out with FILE_COMPLETE in one go.
    std::vector<Event>& opening = pending.opening;
    opening.reserve(options.algorithms.size() + 2);
    opening.push_back(file_event(EventType::file_start, result.path, result.size));

    for (auto a : options.algorithms) {
        const bool have = pending.lookup.cached.count(static_cast<int>(a)) > 0;
        if (pending.lookup.usable) {
            opening.push_back(algorithm_event(have ? EventType::cache_hit : EventType::cache_miss,
                                              result.path, a));
        }
        if (!have || options.verify_existing) pending.to_hash.push_back(a);
    }
    if (!pending.to_hash.empty()) {
        context_.events().emit_all(opening);
        for (auto a : pending.to_hash) {
            context_.events().emit(algorithm_event(EventType::hash_start, result.path, a));
        }
    }
    return pending;
}

Result<FileResult> FilePipeline::finish_file(PendingFile pending, const ProcessOptions& options,
                                             hash::FileHashes* hashed) {
    FileResult& result = pending.result;
    std::map<int, std::string>& cached = pending.lookup.cached;
    std::vector<Event>& opening = pending.opening;
    std::map<int, std::string> computed;
    std::optional<cache::FileIdentity> stored_identity;  // the version hashed
    if (hashed) {
        // What was hashed is the file as it was opened and, checked after
        // its last byte, still is. If that is no longer the version the
        // cache was asked about (it changed between the lookup and the
        // open), the cached values describe other bytes: they cannot be
        // used or compared, and without them the result would be partial.
        if (pending.lookup.identity && !same_version(*pending.lookup.identity, hashed->stamp)) {
            if (pending.to_hash.size() != options.algorithms.size()) {
                return make_error(Errc::io, "file changed while hashing");
            }
            cached.clear();
        }
        stored_identity = std::move(pending.lookup.identity);  // not needed for anything else now
        if (stored_identity) adopt_stamp(*stored_identity, hashed->stamp);
        result.size = hashed->size;
        result.ed2k_blue = std::move(hashed->ed2k_other_variant);
        for (auto& d : hashed->digests) {
            context_.events().emit(
                algorithm_event(EventType::hash_complete, result.path, d.algorithm, d.value));
            computed[static_cast<int>(d.algorithm)] = std::move(d.value);
        }
    }

    // verify_existing: the entry passed its integrity check (a damaged one
    // comes without values), so a cached value that differs from the bytes
    // on disk now means the file changed on disk without its size, mtime or
    // inode changing (bit rot, an in-place edit). Keep the old entry.
    if (options.verify_existing && pending.lookup.corrupt) {
        context_.reports().on_unverifiable(result.path);
    }
    if (options.verify_existing) {
        for (const auto& [algo, value] : computed) {
            auto it = cached.find(algo);
            if (it != cached.end() && it->second != value) {
                result.status = FileStatus::failed;
                result.error = Errc::processing;
                result.error_message =
                    std::string("hash mismatch: ") +
                    hash::algorithm_name(static_cast<hash::Algorithm>(algo)) + " is " + value +
                    " but the cache recorded " + it->second +
                    " for this file (same size, mtime and inode; the cache entry is sound): "
                    "file changed on disk";
                for (auto a : options.algorithms) {
                    result.hashes.push_back({a, computed[static_cast<int>(a)]});
                }
                result.processing_time_ms = elapsed_ms(pending.lookup.started);
                context_.events().emit(
                    file_event(EventType::file_complete, result.path, result.size));
                return result;
            }
        }
    }

    result.from_cache = pending.to_hash.empty();
    for (auto a : options.algorithms) {
        const int key = static_cast<int>(a);
        auto it = computed.find(key);
        result.hashes.push_back({a, it != computed.end() ? it->second : cached[key]});
    }
    // ED2K's blue variant goes with ED2K: from this read (then stored beside
    // it), or from the cache row that answered ED2K.
    if (!result.ed2k_blue.empty()) {
        computed[cache::kEd2kBlue] = result.ed2k_blue;
    } else if (auto blue = cached.find(cache::kEd2kBlue);
               blue != cached.end() &&
               std::find(options.algorithms.begin(), options.algorithms.end(),
                         hash::Algorithm::ed2k) != options.algorithms.end()) {
        result.ed2k_blue = blue->second;
    }
    if (pending.lookup.usable && !computed.empty() && stored_identity) {
        // Handed over: the store queue keeps them until its group is written.
        if (auto stored =
                context_.cache()->store_hashes(std::move(*stored_identity), std::move(computed));
            !stored) {
            context_.report_cache_problem(stored.error());
        }
    }
    result.status = FileStatus::completed;
    result.processing_time_ms = elapsed_ms(pending.lookup.started);
    opening.push_back(file_event(EventType::file_complete, result.path, result.size));
    context_.events().emit_all(opening);  // only FILE_COMPLETE when begin_file sent the rest
    return std::move(result);
}

}  // namespace anidb::client
