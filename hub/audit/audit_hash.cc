#include "hub/audit/audit_hash.h"

#include "hub/audit/sha256_context.h"

namespace gallery::audit {

std::string Sha256(std::string_view bytes) { return Sha256Of({bytes}); }

std::string ChainHash(std::string_view prev_hash, std::string_view entry) {
  return Sha256Of({prev_hash, entry});
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
