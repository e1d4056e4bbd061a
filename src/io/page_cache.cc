#include "io/page_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace anidb::io {

double page_cache_share(const std::filesystem::path& path) noexcept {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return 0;
    struct stat st {};
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    const auto size = static_cast<uint64_t>(st.st_size);
    void* map =
        regular && size > 0 ? ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
    ::close(fd);
    if (map == MAP_FAILED) return regular && size == 0 ? 1 : 0;
    const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    // In windows of 16384 pages (64 MiB with 4 KiB pages) to bound the vector.
    std::array<unsigned char, 16384> vec{};
    uint64_t resident = 0;
    for (uint64_t at = 0; at < size; at += vec.size() * page) {
        const uint64_t length = std::min<uint64_t>(size - at, vec.size() * page);
        if (::mincore(static_cast<char*>(map) + at, length, vec.data()) != 0) {
            resident = 0;
            break;
        }
        const auto pages = static_cast<ptrdiff_t>((length + page - 1) / page);
        resident += static_cast<uint64_t>(std::count_if(
            vec.begin(), vec.begin() + pages, [](unsigned char v) { return (v & 1) != 0; }));
    }
    ::munmap(map, size);
    const uint64_t pages_in_file = (size + page - 1) / page;
    return static_cast<double>(resident) / static_cast<double>(pages_in_file);
}

}  // namespace anidb::io
