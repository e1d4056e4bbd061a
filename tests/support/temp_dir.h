// A fresh directory under $TMPDIR for one test, removed with everything in
// it when the object goes away; and helpers that write test files into it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace anidb::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

    // Writes `size` pseudo-random bytes (deterministic for a seed) to `name`.
    std::filesystem::path write_random(std::string_view name, uint64_t size, uint64_t seed = 1) const;
    // Writes the given bytes to `name`.
    std::filesystem::path write_bytes(std::string_view name, std::string_view bytes) const;

private:
    std::filesystem::path path_;
};

// Deterministic pseudo-random bytes (xorshift), for files and buffers.
std::vector<uint8_t> random_bytes(size_t size, uint64_t seed = 1);

// Runs a shell command and returns its standard output (tests use it to ask
// `rhash` for oracle values). Throws std::runtime_error when it fails.
std::string run_command(const std::string& command);

}  // namespace anidb::test
