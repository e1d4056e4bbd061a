#include "support/temp_dir.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace anidb::test {

TempDir::TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/anidb-test-XXXXXX";
    if (mkdtemp(templ.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp");
    }
    path_ = templ;
}

TempDir::~TempDir() {
    std::error_code ec;
    // Restore permissions a test may have removed so that removal succeeds.
    for (auto it = std::filesystem::recursive_directory_iterator(
             path_, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
    }
    std::filesystem::remove_all(path_, ec);
}

std::vector<uint8_t> random_bytes(size_t size, uint64_t seed) {
    std::vector<uint8_t> out(size);
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
    for (size_t i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = static_cast<uint8_t>(x >> 24);
    }
    return out;
}

std::filesystem::path TempDir::write_random(std::string_view name, uint64_t size,
                                            uint64_t seed) const {
    const auto p = path_ / name;
    std::ofstream f(p, std::ios::binary);
    constexpr size_t kBlock = 1 << 20;
    uint64_t written = 0;
    uint64_t block_seed = seed;
    while (written < size) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(kBlock, size - written));
        const auto bytes = random_bytes(n, block_seed++);
        f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(n));
        written += n;
    }
    if (!f) throw std::runtime_error("cannot write " + p.string());
    return p;
}

std::filesystem::path TempDir::write_bytes(std::string_view name, std::string_view bytes) const {
    const auto p = path_ / name;
    std::ofstream f(p, std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("cannot write " + p.string());
    return p;
}

std::string run_command(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) throw std::runtime_error("popen failed: " + command);
    std::string out;
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
    const int status = pclose(pipe.release());
    if (status != 0) throw std::runtime_error("command failed: " + command);
    return out;
}

}  // namespace anidb::test
