#include "hub/audit/subject_pseudonym.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>


namespace gallery::audit {
namespace {

std::string Why(int err) { return std::strerror(err); }

Status CreateKey(const std::string& path) {
  // O_EXCL: two hubds starting at once must not each write a key of their own.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return OkStatus();
    return Unavailable("cannot create audit subject key " + path + ": " + Why(errno));
  }
  unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
  randombytes_buf(key, sizeof(key));
  const bool written =
      ::write(fd, key, sizeof(key)) == static_cast<ssize_t>(sizeof(key)) && ::fsync(fd) == 0;
  const int err = errno;
  sodium_memzero(key, sizeof(key));
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    return Unavailable("cannot write audit subject key " + path + ": " + Why(err));
  }
  return OkStatus();
}

}  // namespace

Result<SubjectPseudonym> SubjectPseudonym::Open(const std::string& path, bool create) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  if (create) GALLERY_RETURN_IF_ERROR(CreateKey(path));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("no audit subject key at " + path);
    return FailedPrecondition("cannot read audit subject key " + path + ": " + Why(errno));
  }
  std::string key(crypto_auth_hmacsha256_KEYBYTES + 1, '\0');
  const ssize_t got = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (got != crypto_auth_hmacsha256_KEYBYTES) {
    return FailedPrecondition("audit subject key " + path + " must hold 32 bytes");
  }
  key.resize(crypto_auth_hmacsha256_KEYBYTES);
  SubjectPseudonym pseudonym(key);
  sodium_memzero(key.data(), key.size());
  return pseudonym;
}

std::string SubjectPseudonym::Of(std::string_view subject_key) const {
  if (subject_key.empty()) return {};
  return hmac_->Of(subject_key);
}

}  // namespace gallery::audit
