#include "hub/audit/audit_hash.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace gallery::audit {
namespace {

void InitSodium() {
  // Idempotent and thread-safe; libsodium must be initialised before its first use.
  static const bool ok = sodium_init() >= 0;
  if (!ok) {
    std::fprintf(stderr, "%s:%d: libsodium failed to initialise\n", __FILE__, __LINE__);
    std::abort();
  }
}

}  // namespace

std::string Sha256(std::string_view bytes) {
  InitSodium();
  std::string digest(kHashBytes, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return digest;
}

std::string ChainHash(std::string_view prev_hash, std::string_view entry) {
  InitSodium();
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(prev_hash.data()),
                            prev_hash.size());
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(entry.data()),
                            entry.size());
  std::string digest(kHashBytes, '\0');
  crypto_hash_sha256_final(&state, reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace gallery::audit
