// ENCRYPT support (docs/anidb-protocol.md, "ENCRYPT"): AES-128-ECB without IV, PKCS#5
// padding, key = MD5(api_key + salt), via OpenSSL EVP. The object owns the
// derived key and wipes it on destruction. Not thread-safe per object.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace anidb::udp {

class AesSession {
  public:
    // Derives the key. api_key and salt are not kept.
    AesSession(std::string_view api_key, std::string_view salt);
    ~AesSession();
    AesSession(const AesSession&) = default;
    AesSession& operator=(const AesSession&) = default;

    // Errors: Errc::unknown when OpenSSL fails (should not happen).
    Result<std::string> encrypt(std::string_view plain) const;
    // Errors: Errc::protocol when the length is not a whole number of
    // blocks or the padding is wrong (wrong key, or a plain datagram).
    Result<std::string> decrypt(std::string_view cipher) const;

  private:
    Result<std::string> run(std::string_view in, bool encrypt) const;
    std::array<unsigned char, 16> key_{};
};

}  // namespace anidb::udp
