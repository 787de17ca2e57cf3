#include "adapters/fhir/out/logical_id.h"

#include <sodium.h>

namespace gallery::fhir_out {

std::string LogicalId(std::string_view record_id) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(record_id.data()),
                     record_id.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (size_t i = 0; i < 16; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace gallery::fhir_out
