// The one-lane MD4 kernel: OpenSSL's block function, reached through the
// public MD4_CTX fields (A..D) so that a lane's state can go in and out.
#include <openssl/md4.h>

#include "hash/md4_kernels.h"

namespace anidb::hash::md4 {

// OpenSSL 3 marks the MD4_* calls deprecated; they are the one MD4 that
// works without loading the legacy provider.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
void compress_scalar(uint32_t (&state)[4], const std::byte* data, size_t blocks) noexcept {
    if (blocks == 0) return;
    MD4_CTX ctx;
    MD4_Init(&ctx);
    ctx.A = state[0];
    ctx.B = state[1];
    ctx.C = state[2];
    ctx.D = state[3];
    // Whole blocks into an empty buffer go straight to the block function.
    MD4_Update(&ctx, data, blocks * kBlockSize);
    state[0] = ctx.A;
    state[1] = ctx.B;
    state[2] = ctx.C;
    state[3] = ctx.D;
}
#pragma GCC diagnostic pop

}  // namespace anidb::hash::md4
