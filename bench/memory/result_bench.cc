// Result and event allocation through the buffer pool against direct
// allocation, the seed's pooled kinds at the shapes the library hands out:
// - a 1,000-file batch result converted to C and freed with
//   anidb_free_batch_result (one block of ~220 KB: the 256 KiB class);
// - one file result converted and freed (the 1 KiB class);
// - an event burst: 64 file events queued, polled into one Event block and
//   given back at the next poll (the 16 KiB class).
// "pooled" is the library's default; "direct" switches the tracker's pooling
// off (AllocationTracker::set_pooling), so both run the same code otherwise.
// BM_BatchResultPerFileBlocks shows the layout before results were one
// block (an array, one block per file's contents and the structure, all
// direct tracked allocations) for comparison.
//
//   bench_memory_results --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

#include "capi/capi_internal.h"
#include "client/events.h"
#include "common/utf8.h"
#include "memory/allocation_tracker.h"

namespace {

using anidb::memory::AllocationTracker;
using anidb::memory::AllocType;

enum Mode : int64_t { kDirect = 0, kPooled = 1 };

void set_mode(const benchmark::State& state) {
    AllocationTracker::instance().set_pooling(state.range(0) == kPooled);
}

const char* mode_label(const benchmark::State& state) {
    return state.range(0) == kPooled ? "pooled" : "direct";
}

anidb::client::FileResult file_result(size_t i) {
    anidb::client::FileResult r;
    r.path = "/srv/anime/Some Series (2019)/Some Series - " + std::to_string(i) +
             " [1080p][ABCD1234].mkv";
    r.size = 734003200 + i;
    r.status = anidb::client::FileStatus::completed;
    r.hashes.push_back({anidb::hash::Algorithm::ed2k, std::string(32, 'a')});
    r.hashes.push_back({anidb::hash::Algorithm::crc32, std::string(8, 'b')});
    return r;
}

// What the C caller asked for: the results' algorithms, in their order.
constexpr anidb_hash_algorithm_t kRequested[] = {ANIDB_HASH_ED2K, ANIDB_HASH_CRC32};

anidb::client::BatchResult batch_of(size_t files) {
    anidb::client::BatchResult b;
    for (size_t i = 0; i < files; ++i) b.results.push_back(file_result(i));
    b.successful = files;
    return b;
}

void BM_BatchResult(benchmark::State& state) {
    set_mode(state);
    const anidb::client::BatchResult b = batch_of(1000);
    for (auto _ : state) {
        anidb_batch_result_t* out = anidb::capi::to_c_batch_result(b, kRequested);
        if (out == nullptr) {
            state.SkipWithError("refused");
            break;
        }
        benchmark::DoNotOptimize(out->results[999].file_path);
        anidb_free_batch_result(out);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 1000);
    state.SetLabel(mode_label(state));
}

// The layout before: results array, one block per file (path, hash array,
// hash values), the structure; UTF-8 checked as the conversion does.
void BM_BatchResultPerFileBlocks(benchmark::State& state) {
    auto& tracker = AllocationTracker::instance();
    tracker.set_pooling(false);
    const anidb::client::BatchResult b = batch_of(1000);
    const size_t n = b.results.size();
    for (auto _ : state) {
        auto* results = static_cast<anidb_file_result_t*>(
            tracker.allocate(sizeof(anidb_file_result_t) * n, AllocType::buffer));
        for (size_t i = 0; i < n; ++i) {
            const auto& r = b.results[i];
            benchmark::DoNotOptimize(anidb::is_valid_utf8(r.path));
            const size_t hashes_at = (r.path.size() + 1 + 7) / 8 * 8;
            size_t bytes = hashes_at + sizeof(anidb_hash_result_t) * r.hashes.size();
            for (const auto& h : r.hashes) bytes += h.value.size() + 1;
            auto* block = static_cast<char*>(tracker.allocate(bytes, AllocType::string));
            std::memcpy(block, r.path.data(), r.path.size());
            auto* hashes = reinterpret_cast<anidb_hash_result_t*>(block + hashes_at);
            char* at = block + hashes_at + sizeof(anidb_hash_result_t) * r.hashes.size();
            for (size_t h = 0; h < r.hashes.size(); ++h) {
                std::memcpy(at, r.hashes[h].value.data(), r.hashes[h].value.size());
                hashes[h].hash_value = at;
                hashes[h].hash_length = r.hashes[h].value.size();
                at += r.hashes[h].value.size() + 1;
            }
            results[i].file_path = block;
            results[i].hashes = hashes;
            results[i].hash_count = r.hashes.size();
        }
        auto* out = static_cast<anidb_batch_result_t*>(
            tracker.allocate(sizeof(anidb_batch_result_t), AllocType::batch_result));
        out->results = results;
        out->total_files = n;
        benchmark::DoNotOptimize(out->results[999].file_path);
        if (tracker.is_live(out, AllocType::batch_result)) {
            for (size_t i = 0; i < n; ++i) tracker.release(results[i].file_path, AllocType::string);
            tracker.release(results, AllocType::buffer);
        }
        tracker.release(out, AllocType::batch_result);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 1000);
    state.SetLabel("direct, one block per file");
}

void BM_FileResult(benchmark::State& state) {
    set_mode(state);
    const anidb::client::FileResult r = file_result(7);
    for (auto _ : state) {
        anidb_file_result_t* out = anidb::capi::to_c_file_result(r, kRequested);
        if (out == nullptr) {
            state.SkipWithError("refused");
            break;
        }
        benchmark::DoNotOptimize(out->file_path);
        anidb_free_file_result(out);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    state.SetLabel(mode_label(state));
}

constexpr size_t kBurst = 64;

// Queue a burst, poll it (its strings copied into one Event block), and give
// the previous burst's block back, as anidb_event_poll does.
void BM_EventBurst(benchmark::State& state) {
    set_mode(state);
    anidb::client::EventHub hub;  // one per thread, as one per client
    anidb::client::PolledEvents held;
    const std::string path = file_result(3).path;
    for (auto _ : state) {
        for (size_t i = 0; i < kBurst; ++i) {
            anidb::client::Event e;
            e.type = anidb::client::EventType::file_complete;
            e.subject = path;
            e.number = i;
            hub.emit(std::move(e));
        }
        held = anidb::client::PolledEvents{};
        held = hub.poll(kBurst);
        if (held.size() != kBurst) {
            state.SkipWithError("lost events");
            break;
        }
        benchmark::DoNotOptimize(held[kBurst - 1].subject);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBurst);
    state.SetLabel(mode_label(state));
}

// The poll block alone: allocate the burst's strings and free them.
void BM_EventBlock(benchmark::State& state) {
    set_mode(state);
    auto& tracker = AllocationTracker::instance();
    const size_t bytes = kBurst * (file_result(3).path.size() + 3);
    for (auto _ : state) {
        void* p = tracker.allocate(bytes, AllocType::event);
        if (p == nullptr) {
            state.SkipWithError("refused");
            break;
        }
        benchmark::DoNotOptimize(p);
        tracker.release(p, AllocType::event);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    state.SetLabel(mode_label(state));
}

void modes(benchmark::internal::Benchmark* b) {
    b->ArgName("pooled")->Arg(kDirect)->Arg(kPooled);
}

BENCHMARK(BM_BatchResult)->Apply(modes);
BENCHMARK(BM_BatchResult)->Apply(modes)->Threads(2)->UseRealTime();
BENCHMARK(BM_BatchResultPerFileBlocks);
BENCHMARK(BM_BatchResultPerFileBlocks)->Threads(2)->UseRealTime();
BENCHMARK(BM_FileResult)->Apply(modes);
BENCHMARK(BM_FileResult)->Apply(modes)->Threads(2)->UseRealTime();
BENCHMARK(BM_EventBurst)->Apply(modes);
BENCHMARK(BM_EventBurst)->Apply(modes)->Threads(2)->UseRealTime();
BENCHMARK(BM_EventBlock)->Apply(modes);
BENCHMARK(BM_EventBlock)->Apply(modes)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
