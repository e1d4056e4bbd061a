// ED2K's blue variant through the C ABI (ANIDB_HASH_ED2K_BLUE, since ABI 3):
// both variants from one read in every way a C caller hashes a file, the
// single-algorithm helpers, algorithm lists that must be refused, and a
// caller of an older ABI, whose header has no such value.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "capi_fixture.h"
#include "hash/hash_file.h"
#include "io/sequential_file.h"

namespace anidb::test {
namespace {

constexpr uint64_t kTwoChunks = 2 * 9728000;  // the variants differ
constexpr uint64_t kNotMultiple = 1000000;    // the variants are equal

class Ed2kBlue : public CapiTest {
  protected:
    // A sparse file of `size` zero bytes.
    std::string file(const char* name, uint64_t size) {
        const auto p = (tmp / name).string();
        const int fd = ::open(p.c_str(), O_CREAT | O_WRONLY, 0644);
        EXPECT_GE(fd, 0);
        EXPECT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
        ::close(fd);
        return p;
    }
    // The file's ED2K in `variant`, computed by the hash module directly.
    static std::string independent(const std::string& path, hash::Ed2kVariant variant) {
        hash::FileHashOptions o;
        o.algorithms = {hash::Algorithm::ed2k};
        o.ed2k_variant = variant;
        auto h = hash::hash_file(path, o);
        EXPECT_TRUE(h.ok());
        return h.ok() ? h->digests.at(0).value : std::string();
    }
    static std::string value_of(const anidb_file_result_t* r, anidb_hash_algorithm_t a) {
        for (size_t i = 0; i < r->hash_count; ++i) {
            if (r->hashes[i].algorithm == a) return r->hashes[i].hash_value;
        }
        return "(missing)";
    }
};

TEST_F(Ed2kBlue, ProcessFileGivesBothVariantsInTheOrderAskedFromOneRead) {
    const auto path = file("two chunks.mkv", kTwoChunks);
    const std::string red = independent(path, hash::Ed2kVariant::red);
    const std::string blue = independent(path, hash::Ed2kVariant::blue);
    ASSERT_NE(red, blue);
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K_BLUE, ANIDB_HASH_CRC32,
                                            ANIDB_HASH_ED2K};
    const auto opts = options_for(algos, 3);
    const uint64_t before = io::bytes_read_total();
    anidb_file_result_t* r = nullptr;
    ASSERT_EQ(anidb_process_file(client, path.c_str(), &opts, &r), ANIDB_SUCCESS) << last_error();
    EXPECT_EQ(io::bytes_read_total() - before, kTwoChunks);
    ASSERT_EQ(r->hash_count, 3U);
    EXPECT_EQ(r->hashes[0].algorithm, ANIDB_HASH_ED2K_BLUE);
    EXPECT_EQ(r->hashes[0].hash_value, blue);
    EXPECT_EQ(r->hashes[0].hash_length, 32U);
    EXPECT_EQ(r->hashes[1].algorithm, ANIDB_HASH_CRC32);
    EXPECT_EQ(r->hashes[2].algorithm, ANIDB_HASH_ED2K);
    EXPECT_EQ(r->hashes[2].hash_value, red);
    anidb_free_file_result(r);

    // Again: both from the cache, nothing read.
    const uint64_t again = io::bytes_read_total();
    const anidb_hash_algorithm_t blue_only[] = {ANIDB_HASH_ED2K_BLUE};
    const auto blue_opts = options_for(blue_only, 1);
    ASSERT_EQ(anidb_process_file(client, path.c_str(), &blue_opts, &r), ANIDB_SUCCESS);
    EXPECT_EQ(io::bytes_read_total(), again);
    ASSERT_EQ(r->hash_count, 1U);
    EXPECT_EQ(r->hashes[0].algorithm, ANIDB_HASH_ED2K_BLUE);
    EXPECT_EQ(r->hashes[0].hash_value, blue);
    anidb_free_file_result(r);

    int cached = 0;
    ASSERT_EQ(anidb_cache_check_file(client, path.c_str(), ANIDB_HASH_ED2K_BLUE, &cached),
              ANIDB_SUCCESS);
    EXPECT_EQ(cached, 1);
}

TEST_F(Ed2kBlue, OtherSizesGiveBlueEqualToRed) {
    const auto path = file("one.mkv", kNotMultiple);
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K, ANIDB_HASH_ED2K_BLUE};
    const auto opts = options_for(algos, 2);
    anidb_file_result_t* r = nullptr;
    ASSERT_EQ(anidb_process_file(client, path.c_str(), &opts, &r), ANIDB_SUCCESS) << last_error();
    ASSERT_EQ(r->hash_count, 2U);
    EXPECT_EQ(r->hashes[0].hash_value, independent(path, hash::Ed2kVariant::red));
    EXPECT_EQ(r->hashes[1].algorithm, ANIDB_HASH_ED2K_BLUE);
    EXPECT_STREQ(r->hashes[1].hash_value, r->hashes[0].hash_value);
    anidb_free_file_result(r);
}

TEST_F(Ed2kBlue, BatchesAndAsyncOperationsGiveBothVariants) {
    const auto multiple = file("two chunks.mkv", kTwoChunks);
    const auto other = file("other.mkv", kNotMultiple);
    const std::string blue = independent(multiple, hash::Ed2kVariant::blue);
    const std::string red = independent(multiple, hash::Ed2kVariant::red);
    const std::string other_red = independent(other, hash::Ed2kVariant::red);
    const char* paths[] = {multiple.c_str(), other.c_str()};
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K, ANIDB_HASH_ED2K_BLUE};
    anidb_batch_options_t bo{};
    bo.algorithms = algos;
    bo.algorithm_count = 2;
    bo.continue_on_error = 1;
    auto check = [&](const anidb_file_result_t* r, bool is_multiple) {
        ASSERT_EQ(r->hash_count, 2U);
        EXPECT_EQ(r->hashes[1].algorithm, ANIDB_HASH_ED2K_BLUE);
        EXPECT_EQ(value_of(r, ANIDB_HASH_ED2K), is_multiple ? red : other_red);
        EXPECT_EQ(value_of(r, ANIDB_HASH_ED2K_BLUE), is_multiple ? blue : other_red);
    };

    // Synchronous batch: one read of each file.
    const uint64_t before = io::bytes_read_total();
    anidb_batch_result_t* b = nullptr;
    ASSERT_EQ(anidb_process_batch(client, paths, 2, &bo, &b), ANIDB_SUCCESS) << last_error();
    EXPECT_EQ(io::bytes_read_total() - before, kTwoChunks + kNotMultiple);
    ASSERT_EQ(b->total_files, 2U);
    check(&b->results[0], true);
    check(&b->results[1], false);
    anidb_free_batch_result(b);

    // The streaming batch (from the cache now; fresh reads go through the
    // same conversion).
    struct Seen {
        std::string red[2], blue[2];
    } seen;
    auto on_result = [](size_t i, anidb_result_t, const anidb_file_result_t* r, void* user) {
        auto* s = static_cast<Seen*>(user);
        s->red[i] = value_of(r, ANIDB_HASH_ED2K);
        s->blue[i] = value_of(r, ANIDB_HASH_ED2K_BLUE);
        return 0;
    };
    size_t failed = 1;
    ASSERT_EQ(anidb_process_batch_stream(client, paths, 2, &bo, ANIDB_BATCH_INPUT_ORDER, on_result,
                                         &seen, &failed),
              ANIDB_SUCCESS);
    EXPECT_EQ(failed, 0U);
    EXPECT_EQ(seen.red[0], red);
    EXPECT_EQ(seen.blue[0], blue);
    EXPECT_EQ(seen.blue[1], other_red);

    // Asynchronous batch and operation, with the cache out of the way.
    ASSERT_EQ(anidb_client_set_option(client, "cache.enabled", "0"), ANIDB_SUCCESS);
    anidb_batch_handle_t batch = nullptr;
    ASSERT_EQ(anidb_process_batch_async(client, paths, 2, &bo, &batch), ANIDB_SUCCESS);
    anidb_batch_result_t* ab = nullptr;
    anidb_result_t got = ANIDB_ERROR_BUSY;
    for (int i = 0; i < 6000 && got == ANIDB_ERROR_BUSY; ++i) {
        got = anidb_batch_get_result(batch, &ab);
        if (got == ANIDB_ERROR_BUSY) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(got, ANIDB_SUCCESS);
    check(&ab->results[0], true);
    check(&ab->results[1], false);
    anidb_free_batch_result(ab);
    EXPECT_EQ(anidb_batch_destroy(batch), ANIDB_SUCCESS);

    const auto opts = options_for(algos + 1, 1);  // ED2K_BLUE alone
    anidb_operation_handle_t op = nullptr;
    ASSERT_EQ(anidb_process_file_async(client, multiple.c_str(), &opts, &op), ANIDB_SUCCESS);
    anidb_file_result_t* r = nullptr;
    got = ANIDB_ERROR_BUSY;
    for (int i = 0; i < 6000 && got == ANIDB_ERROR_BUSY; ++i) {
        got = anidb_operation_get_result(op, &r);
        if (got == ANIDB_ERROR_BUSY) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(got, ANIDB_SUCCESS);
    ASSERT_EQ(r->hash_count, 1U);
    EXPECT_EQ(r->hashes[0].algorithm, ANIDB_HASH_ED2K_BLUE);
    EXPECT_EQ(r->hashes[0].hash_value, blue);
    anidb_free_file_result(r);
    EXPECT_EQ(anidb_operation_destroy(op), ANIDB_SUCCESS);
}

TEST_F(Ed2kBlue, SingleAlgorithmHelpers) {
    const auto path = file("two chunks.mkv", kTwoChunks);
    const std::string blue = independent(path, hash::Ed2kVariant::blue);
    EXPECT_EQ(anidb_hash_buffer_size(ANIDB_HASH_ED2K_BLUE), 33U);
    EXPECT_STREQ(anidb_hash_algorithm_name(ANIDB_HASH_ED2K_BLUE), "ED2K_BLUE");
    char text[33];
    ASSERT_EQ(anidb_calculate_hash(path.c_str(), ANIDB_HASH_ED2K_BLUE, text, sizeof text),
              ANIDB_SUCCESS);
    EXPECT_EQ(std::string(text), blue);
    const std::vector<uint8_t> zeros(kTwoChunks, 0);
    ASSERT_EQ(anidb_calculate_hash_buffer(zeros.data(), zeros.size(), ANIDB_HASH_ED2K_BLUE, text,
                                          sizeof text),
              ANIDB_SUCCESS);
    EXPECT_EQ(std::string(text), blue);
    EXPECT_EQ(
        anidb_calculate_hash_buffer(zeros.data(), zeros.size(), ANIDB_HASH_ED2K_BLUE, text, 32),
        ANIDB_ERROR_INVALID_PARAMETER);
}

TEST_F(Ed2kBlue, BadAlgorithmListsAreRefused) {
    const auto path = file("one.mkv", kNotMultiple);
    const anidb_hash_algorithm_t twice[] = {ANIDB_HASH_ED2K_BLUE, ANIDB_HASH_ED2K,
                                            ANIDB_HASH_ED2K_BLUE};
    const anidb_hash_algorithm_t seven[] = {static_cast<anidb_hash_algorithm_t>(7)};
    const anidb_hash_algorithm_t zero[] = {static_cast<anidb_hash_algorithm_t>(0)};
    const anidb_hash_algorithm_t all[] = {ANIDB_HASH_ED2K, ANIDB_HASH_CRC32, ANIDB_HASH_MD5,
                                          ANIDB_HASH_SHA1, ANIDB_HASH_TTH,   ANIDB_HASH_ED2K_BLUE,
                                          ANIDB_HASH_ED2K};
    const char* paths[] = {path.c_str()};
    for (const auto& [list, n] : {std::pair{twice, size_t{3}}, std::pair{seven, size_t{1}},
                                  std::pair{zero, size_t{1}}, std::pair{all, size_t{7}}}) {
        const auto opts = options_for(list, n);
        anidb_file_result_t* r = nullptr;
        EXPECT_EQ(anidb_process_file(client, path.c_str(), &opts, &r),
                  ANIDB_ERROR_INVALID_PARAMETER);
        EXPECT_EQ(r, nullptr);
        anidb_batch_options_t bo{};
        bo.algorithms = list;
        bo.algorithm_count = n;
        anidb_batch_result_t* b = nullptr;
        EXPECT_EQ(anidb_process_batch(client, paths, 1, &bo, &b), ANIDB_ERROR_INVALID_PARAMETER);
        EXPECT_EQ(b, nullptr);
    }
    EXPECT_EQ(anidb_hash_buffer_size(static_cast<anidb_hash_algorithm_t>(7)), 0U);
    EXPECT_STREQ(anidb_hash_algorithm_name(static_cast<anidb_hash_algorithm_t>(7)), "UNKNOWN");
    // All six at once is a valid list.
    const auto opts = options_for(all, 6);
    anidb_file_result_t* r = nullptr;
    ASSERT_EQ(anidb_process_file(client, path.c_str(), &opts, &r), ANIDB_SUCCESS) << last_error();
    ASSERT_EQ(r->hash_count, 6U);
    EXPECT_STREQ(r->hashes[5].hash_value, r->hashes[0].hash_value);
    anidb_free_file_result(r);
}

// A caller built against an older header passed its ABI version to
// anidb_init: 6 is not a value of its enum, so it is refused as any other.
TEST_F(Ed2kBlue, CallersOfAnOlderAbiCannotAskForIt) {
    const auto path = file("two chunks.mkv", kTwoChunks);
    anidb_cleanup();  // destroys the fixture's client
    client = nullptr;
    ASSERT_EQ(anidb_init(2), ANIDB_SUCCESS);
    client = make_client();
    const anidb_hash_algorithm_t algos[] = {ANIDB_HASH_ED2K, ANIDB_HASH_ED2K_BLUE};
    const auto opts = options_for(algos, 2);
    anidb_file_result_t* r = nullptr;
    EXPECT_EQ(anidb_process_file(client, path.c_str(), &opts, &r), ANIDB_ERROR_INVALID_PARAMETER);
    EXPECT_EQ(r, nullptr);
    char text[33];
    EXPECT_EQ(anidb_calculate_hash(path.c_str(), ANIDB_HASH_ED2K_BLUE, text, sizeof text),
              ANIDB_ERROR_INVALID_PARAMETER);
    EXPECT_EQ(anidb_calculate_hash_buffer(nullptr, 0, ANIDB_HASH_ED2K_BLUE, text, sizeof text),
              ANIDB_ERROR_INVALID_PARAMETER);
    int cached = 0;
    EXPECT_EQ(anidb_cache_check_file(client, path.c_str(), ANIDB_HASH_ED2K_BLUE, &cached),
              ANIDB_ERROR_INVALID_PARAMETER);
    const auto ed2k = options_for(algos, 1);
    ASSERT_EQ(anidb_process_file(client, path.c_str(), &ed2k, &r), ANIDB_SUCCESS);
    anidb_free_file_result(r);
    anidb_cleanup();
    client = nullptr;
    ASSERT_EQ(anidb_init(ANIDB_ABI_VERSION), ANIDB_SUCCESS);
    client = make_client();
}

}  // namespace
}  // namespace anidb::test
