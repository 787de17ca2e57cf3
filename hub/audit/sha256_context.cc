#include "hub/audit/sha256_context.h"

#include <array>
#include <cstdio>
#include <cstdlib>

namespace gallery::audit {
namespace {

constexpr size_t kDigestBytes = 32;
constexpr size_t kBlockBytes = 64;

[[noreturn]] void Fail(const char* what) {
  // Only on memory exhaustion or a broken OpenSSL install: nothing can be hashed then.
  std::fprintf(stderr, "%s:%d: OpenSSL SHA-256 %s failed\n", __FILE__, __LINE__, what);
  std::abort();
}

// Fetched once: an implicit fetch on every init costs as much as hashing a short entry.
const EVP_MD* Sha256Md() {
  static EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) Fail("fetch");
    return fetched;
  }();
  return md;
}

EvpContext NewContext() {
  EvpContext ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) Fail("context");
  return ctx;
}

EVP_MD_CTX* ThreadContext() {
  thread_local EvpContext ctx = NewContext();
  return ctx.get();
}

void Update(EVP_MD_CTX* ctx, std::string_view bytes) {
  if (EVP_DigestUpdate(ctx, bytes.data(), bytes.size()) != 1) Fail("update");
}

std::string Final(EVP_MD_CTX* ctx) {
  std::string digest(kDigestBytes, '\0');
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx, reinterpret_cast<unsigned char*>(digest.data()), &length) != 1 ||
      length != kDigestBytes) {
    Fail("final");
  }
  return digest;
}

EvpContext KeyedContext(std::string_view key, unsigned char pad) {
  std::array<unsigned char, kBlockBytes> block{};
  for (size_t i = 0; i < key.size() && i < block.size(); ++i) {
    block[i] = static_cast<unsigned char>(key[i]);
  }
  for (auto& byte : block) byte ^= pad;
  EvpContext ctx = NewContext();
  if (EVP_DigestInit_ex2(ctx.get(), Sha256Md(), nullptr) != 1) Fail("init");
  Update(ctx.get(), std::string_view(reinterpret_cast<const char*>(block.data()), block.size()));
  return ctx;
}

}  // namespace

std::string Sha256Of(std::initializer_list<std::string_view> parts) {
  EVP_MD_CTX* ctx = ThreadContext();
  if (EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) != 1) Fail("init");
  for (std::string_view part : parts) Update(ctx, part);
  return Final(ctx);
}

HmacSha256::HmacSha256(std::string_view key)
    : inner_(KeyedContext(key, 0x36)), outer_(KeyedContext(key, 0x5c)) {
  if (key.size() > kBlockBytes) Fail("key longer than a block");
}

std::string HmacSha256::Of(std::string_view message) const {
  EVP_MD_CTX* ctx = ThreadContext();
  if (EVP_MD_CTX_copy_ex(ctx, inner_.get()) != 1) Fail("copy");
  Update(ctx, message);
  const std::string inner = Final(ctx);
  if (EVP_MD_CTX_copy_ex(ctx, outer_.get()) != 1) Fail("copy");
  Update(ctx, inner);
  return Final(ctx);
}

}  // namespace gallery::audit
