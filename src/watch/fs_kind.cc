#include "watch/fs_kind.h"

#include <sys/vfs.h>

#include <cstdint>

namespace anidb::watch {
namespace {

// f_type values from linux/magic.h (and the kernel's fs/ for those it lacks).
struct Remote {
    uint32_t magic;
    const char* name;
};
constexpr Remote kRemote[] = {
    {0x6969, "nfs"},        {0x517B, "smb"},       {0xFF534D42, "cifs"},  {0xFE534D42, "smb2"},
    {0x65735546, "fuse"},   {0x01021997, "9p"},    {0x564C, "ncp"},       {0x73757245, "coda"},
    {0x5346414F, "afs"},    {0x6B414653, "afs"},   {0x00C36400, "ceph"},  {0x47504653, "gpfs"},
    {0x0BD00BD0, "lustre"}, {0x013111A8, "ibrix"}, {0x19830326, "fhgfs"},
};

}  // namespace

FsKind file_system_kind(const std::string& path) {
    struct statfs st {};
    if (::statfs(path.c_str(), &st) != 0) return {};
    const auto type = static_cast<uint32_t>(st.f_type);
    for (const Remote& r : kRemote) {
        if (r.magic == type) return {false, r.name};
    }
    return {};
}

}  // namespace anidb::watch
