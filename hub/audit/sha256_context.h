// SHA-256 through OpenSSL's EVP interface, which uses the CPU's SHA instructions where it
// has them: several times faster than a portable implementation, and the audit log hashes
// every record it journals.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace gallery::audit {

struct EvpContextFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using EvpContext = std::unique_ptr<EVP_MD_CTX, EvpContextFree>;

// SHA-256 of the concatenation of `parts`, 32 raw bytes. Thread-safe.
std::string Sha256Of(std::initializer_list<std::string_view> parts);

// HMAC-SHA-256 (RFC 2104) under a key of at most 64 bytes, with the keyed inner and outer
// states computed once: a pseudonym per record then costs two short hashes. Immutable
// after construction; Of() is thread-safe.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  std::string Of(std::string_view message) const;

 private:
  EvpContext inner_;
  EvpContext outer_;
};

}  // namespace gallery::audit
