// Pool acquire/release against malloc/free for every size class, and tracked
// ABI allocations against plain malloc/calloc. Both sides of each pair write
// one byte per 4 KiB page of the buffer, so a buffer that is fresh from the
// kernel (page faults) costs what it really costs.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>

#include "memory/allocation_tracker.h"
#include "memory/buffer_pool.h"

namespace {

using anidb::memory::AllocationTracker;
using anidb::memory::AllocType;
using anidb::memory::BufferPool;
using anidb::memory::FreeOutcome;
using anidb::memory::kPoolClasses;

constexpr size_t kPage = 4096;

void touch_pages(void* p, size_t bytes) {
    auto* bytes_ptr = static_cast<volatile unsigned char*>(p);
    for (size_t off = 0; off < bytes; off += kPage) bytes_ptr[off] = 1;
    bytes_ptr[bytes - 1] = 1;
}

void BM_PoolAcquireRelease(benchmark::State& state) {
    const auto bytes = static_cast<size_t>(state.range(0));
    auto& pool = BufferPool::instance();
    for (auto _ : state) {
        auto buffer = pool.acquire(bytes);
        if (!buffer) {
            state.SkipWithError("pool refused");
            break;
        }
        touch_pages(buffer.data(), bytes);
        benchmark::DoNotOptimize(buffer.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
}

void BM_MallocFree(benchmark::State& state) {
    const auto bytes = static_cast<size_t>(state.range(0));
    for (auto _ : state) {
        void* p = std::malloc(bytes);
        if (p == nullptr) {
            state.SkipWithError("malloc failed");
            break;
        }
        touch_pages(p, bytes);
        benchmark::DoNotOptimize(p);
        std::free(p);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
}

// Read-ahead shape: hold kBatch buffers at once, then return them all. With
// malloc the freed block at the top of the heap exceeds glibc's trim
// threshold (twice the adapted mmap threshold), so it goes back to the kernel
// and the next round faults its pages in again; the pool keeps them.
constexpr int kBatch = 4;

void BM_PoolBatch(benchmark::State& state) {
    const auto bytes = static_cast<size_t>(state.range(0));
    auto& pool = BufferPool::instance();
    for (auto _ : state) {
        std::array<anidb::memory::PooledBuffer, kBatch> held;
        for (auto& buffer : held) {
            buffer = pool.acquire(bytes);
            if (!buffer) {
                state.SkipWithError("pool refused");
                return;
            }
            touch_pages(buffer.data(), bytes);
            benchmark::DoNotOptimize(buffer.data());
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kBatch *
                            static_cast<int64_t>(bytes));
}

void BM_MallocBatch(benchmark::State& state) {
    const auto bytes = static_cast<size_t>(state.range(0));
    for (auto _ : state) {
        std::array<void*, kBatch> held{};
        for (auto& p : held) {
            p = std::malloc(bytes);
            if (p == nullptr) {
                state.SkipWithError("malloc failed");
                return;
            }
            touch_pages(p, bytes);
            benchmark::DoNotOptimize(p);
        }
        for (void* p : held) std::free(p);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kBatch *
                            static_cast<int64_t>(bytes));
}

void BM_TrackedAllocateRelease(benchmark::State& state) {
    const auto bytes = static_cast<size_t>(state.range(0));
    auto& tracker = AllocationTracker::instance();
    for (auto _ : state) {
        void* p = tracker.allocate(bytes, AllocType::string);
        if (p == nullptr) {
            state.SkipWithError("tracker refused");
            break;
        }
        touch_pages(p, bytes);
        benchmark::DoNotOptimize(p);
        if (tracker.release(p, AllocType::string) != FreeOutcome::freed) {
            state.SkipWithError("release refused");
            break;
        }
    }
}

void BM_CallocFree(benchmark::State& state) {
    const auto bytes = static_cast<size_t>(state.range(0));
    for (auto _ : state) {
        void* p = std::calloc(1, bytes);
        if (p == nullptr) {
            state.SkipWithError("calloc failed");
            break;
        }
        touch_pages(p, bytes);
        benchmark::DoNotOptimize(p);
        std::free(p);
    }
}

void pool_classes(benchmark::internal::Benchmark* b) {
    for (size_t size : kPoolClasses) b->Arg(static_cast<int64_t>(size));
}

void small_sizes(benchmark::internal::Benchmark* b) {
    for (int64_t size : {16, 64, 256, 1024, 4096}) b->Arg(size);
}

BENCHMARK(BM_PoolAcquireRelease)->Apply(pool_classes);
BENCHMARK(BM_MallocFree)->Apply(pool_classes);
BENCHMARK(BM_PoolAcquireRelease)->Apply(pool_classes)->Threads(2)->UseRealTime();
BENCHMARK(BM_MallocFree)->Apply(pool_classes)->Threads(2)->UseRealTime();
BENCHMARK(BM_PoolBatch)->Apply(pool_classes);
BENCHMARK(BM_MallocBatch)->Apply(pool_classes);
BENCHMARK(BM_PoolBatch)->Apply(pool_classes)->Threads(2)->UseRealTime();
BENCHMARK(BM_MallocBatch)->Apply(pool_classes)->Threads(2)->UseRealTime();
BENCHMARK(BM_TrackedAllocateRelease)->Apply(small_sizes);
BENCHMARK(BM_MallocFree)->Apply(small_sizes);
BENCHMARK(BM_CallocFree)->Apply(small_sizes);
BENCHMARK(BM_TrackedAllocateRelease)->Apply(small_sizes)->Threads(2)->UseRealTime();
BENCHMARK(BM_CallocFree)->Apply(small_sizes)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
