// Single-thread throughput of every packaged primitive we could use, to
// choose by measurement (docs/performance.md). Also the whole engine on an
// in-memory buffer (StreamHasher, one thread).
//   anidb-bench-hash-primitives --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <isa-l.h>
#include <openssl/evp.h>
#include <openssl/md4.h>
#include <rhash.h>
#include <zlib.h>
#ifdef ANIDB_BENCH_HAVE_GCRYPT
#include <gcrypt.h>
#endif

#include <cstring>
#include <vector>

#include "hash/primitives.h"
#include "hash/stream_hasher.h"
#include "hash/tth_tree.h"

namespace {

constexpr size_t kBufferSize = size_t{64} << 20;

const std::vector<std::byte>& buffer() {
    static const std::vector<std::byte> data = [] {
        std::vector<std::byte> v(kBufferSize);
        uint64_t x = 0x9E3779B97F4A7C15ULL;
        for (auto& b : v) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b = static_cast<std::byte>(x >> 24);
        }
        return v;
    }();
    return data;
}

template <typename F>
void run(benchmark::State& state, F&& hash_all) {
    const auto& data = buffer();
    for (auto _ : state) hash_all(data.data(), data.size());
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                            static_cast<int64_t>(data.size()));
}

// --- OpenSSL ---------------------------------------------------------------
void evp(benchmark::State& state, const EVP_MD* md) {
    run(state, [md](const std::byte* p, size_t n) {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned len = 0;
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        EVP_DigestInit_ex(ctx, md, nullptr);
        EVP_DigestUpdate(ctx, p, n);
        EVP_DigestFinal_ex(ctx, out, &len);
        EVP_MD_CTX_free(ctx);
        benchmark::DoNotOptimize(out);
    });
}
void BM_OpenSSL_MD5(benchmark::State& s) {
    evp(s, EVP_md5());
}
void BM_OpenSSL_SHA1(benchmark::State& s) {
    evp(s, EVP_sha1());
}
void BM_OpenSSL_MD4_lowlevel(benchmark::State& s) {
    run(s, [](const std::byte* p, size_t n) {
        // ED2K-like: one MD4 per 9728000-byte chunk.
        for (size_t at = 0; at < n; at += 9728000) {
            benchmark::DoNotOptimize(
                anidb::hash::Md4::of({p + at, std::min<size_t>(9728000, n - at)}));
        }
    });
}

// --- librhash --------------------------------------------------------------
void rhash_one(benchmark::State& state, unsigned id) {
    rhash_library_init();
    run(state, [id](const std::byte* p, size_t n) {
        unsigned char out[64];
        rhash_msg(id, p, n, out);
        benchmark::DoNotOptimize(out);
    });
}
void BM_rhash_MD4(benchmark::State& s) {
    rhash_one(s, RHASH_MD4);
}
void BM_rhash_ED2K(benchmark::State& s) {
    rhash_one(s, RHASH_ED2K);
}
void BM_rhash_MD5(benchmark::State& s) {
    rhash_one(s, RHASH_MD5);
}
void BM_rhash_SHA1(benchmark::State& s) {
    rhash_one(s, RHASH_SHA1);
}
void BM_rhash_CRC32(benchmark::State& s) {
    rhash_one(s, RHASH_CRC32);
}
void BM_rhash_Tiger(benchmark::State& s) {
    rhash_one(s, RHASH_TIGER);
}
void BM_rhash_TTH(benchmark::State& s) {
    rhash_one(s, RHASH_TTH);
}

// --- CRC32 -----------------------------------------------------------------
void BM_isal_crc32_gzip_refl(benchmark::State& s) {
    run(s, [](const std::byte* p, size_t n) {
        benchmark::DoNotOptimize(crc32_gzip_refl(0, reinterpret_cast<const unsigned char*>(p), n));
    });
}
void BM_zlib_crc32_z(benchmark::State& s) {
    run(s, [](const std::byte* p, size_t n) {
        benchmark::DoNotOptimize(crc32_z(0, reinterpret_cast<const Bytef*>(p), n));
    });
}

// --- TTH by hand: what the engine does per 1 MiB leaf group ------------------
void BM_ours_TTH_librhash_tiger(benchmark::State& s) {
    anidb::hash::Tiger tiger;
    run(s, [&](const std::byte* p, size_t n) {
        anidb::hash::TthTree tree;
        for (size_t at = 0; at < n; at += 1 << 20) {
            tree.add(
                anidb::hash::tth_subtree_root({p + at, std::min<size_t>(1 << 20, n - at)}, tiger),
                tiger, 10);
        }
        benchmark::DoNotOptimize(tree.root(tiger));
    });
}

// The alternative: librhash's own TTH per 1 MiB group (a reused RHASH_TTH
// context gives the group's subtree root), folded by our TthTree.
void BM_alt_TTH_rhash_groups(benchmark::State& s) {
    rhash_library_init();
    rhash_context* ctx = rhash_init(RHASH_TTH);
    anidb::hash::Tiger tiger;
    run(s, [&](const std::byte* p, size_t n) {
        anidb::hash::TthTree tree;
        for (size_t at = 0; at < n; at += 1 << 20) {
            anidb::hash::TigerDigest root{};
            rhash_reset(ctx);
            rhash_update(ctx, p + at, std::min<size_t>(1 << 20, n - at));
            rhash_final(ctx, root.data());
            tree.add(root, tiger, 10);
        }
        benchmark::DoNotOptimize(tree.root(tiger));
    });
    rhash_free(ctx);
}

#ifdef ANIDB_BENCH_HAVE_GCRYPT
void gcrypt_one(benchmark::State& state, int algo) {
    gcry_check_version(nullptr);
    run(state, [algo](const std::byte* p, size_t n) {
        unsigned char out[64];
        gcry_md_hash_buffer(algo, out, p, n);
        benchmark::DoNotOptimize(out);
    });
}
void BM_gcrypt_MD4(benchmark::State& s) {
    gcrypt_one(s, GCRY_MD_MD4);
}
void BM_gcrypt_MD5(benchmark::State& s) {
    gcrypt_one(s, GCRY_MD_MD5);
}
void BM_gcrypt_SHA1(benchmark::State& s) {
    gcrypt_one(s, GCRY_MD_SHA1);
}
void BM_gcrypt_Tiger1(benchmark::State& s) {
    gcrypt_one(s, GCRY_MD_TIGER1);
}
// TTH leaves with gcrypt Tiger: one context reset per 1025-byte leaf.
void BM_gcrypt_TTH_leaves(benchmark::State& s) {
    gcry_check_version(nullptr);
    gcry_md_hd_t h;
    gcry_md_open(&h, GCRY_MD_TIGER1, 0);
    run(s, [&](const std::byte* p, size_t n) {
        alignas(64) unsigned char leaf[1025];
        leaf[0] = 0;
        for (size_t at = 0; at < n; at += 1024) {
            std::memcpy(leaf + 1, p + at, 1024);
            gcry_md_reset(h);
            gcry_md_write(h, leaf, sizeof leaf);
            benchmark::DoNotOptimize(gcry_md_read(h, GCRY_MD_TIGER1));
        }
    });
    gcry_md_close(h);
}
BENCHMARK(BM_gcrypt_MD4);
BENCHMARK(BM_gcrypt_MD5);
BENCHMARK(BM_gcrypt_SHA1);
BENCHMARK(BM_gcrypt_Tiger1);
BENCHMARK(BM_gcrypt_TTH_leaves);
#endif

// librhash Tiger per leaf, as our Tiger::leaf does it.
void BM_rhash_TTH_leaves(benchmark::State& s) {
    anidb::hash::Tiger tiger;
    run(s, [&](const std::byte* p, size_t n) {
        for (size_t at = 0; at < n; at += 1024)
            benchmark::DoNotOptimize(tiger.leaf({p + at, 1024}));
    });
}

// The whole single-threaded StreamHasher, all five.
void BM_StreamHasher_all_five(benchmark::State& s) {
    using anidb::hash::Algorithm;
    const Algorithm all[] = {Algorithm::ed2k, Algorithm::crc32, Algorithm::md5, Algorithm::sha1,
                             Algorithm::tth};
    run(s, [&](const std::byte* p, size_t n) {
        benchmark::DoNotOptimize(anidb::hash::hash_bytes({p, n}, all));
    });
}

}  // namespace

BENCHMARK(BM_OpenSSL_MD4_lowlevel);
BENCHMARK(BM_rhash_MD4);
BENCHMARK(BM_rhash_ED2K);
BENCHMARK(BM_OpenSSL_MD5);
BENCHMARK(BM_rhash_MD5);
BENCHMARK(BM_OpenSSL_SHA1);
BENCHMARK(BM_rhash_SHA1);
BENCHMARK(BM_isal_crc32_gzip_refl);
BENCHMARK(BM_zlib_crc32_z);
BENCHMARK(BM_rhash_CRC32);
BENCHMARK(BM_rhash_Tiger);
BENCHMARK(BM_rhash_TTH_leaves);
BENCHMARK(BM_rhash_TTH);
BENCHMARK(BM_ours_TTH_librhash_tiger);
BENCHMARK(BM_alt_TTH_rhash_groups);
BENCHMARK(BM_StreamHasher_all_five);
BENCHMARK_MAIN();
