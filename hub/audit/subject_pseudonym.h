// Subject pseudonyms: the audit log names a person by an HMAC of their subject key under a
// secret of the hub's own, so that it can find their entries without holding their NHS number.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "hub/audit/sha256_context.h"
#include "hub/common/result.h"

namespace gallery::audit {

// Immutable once opened; thread-safe.
class SubjectPseudonym {
 public:
  // Reads the 32-byte key at `path`. When it does not exist and `create` is set, writes 32
  // random bytes there first (mode 0600 from creation, synced). kNotFound when absent and
  // not created; kFailedPrecondition when unreadable or not 32 bytes; kUnavailable when it
  // cannot be written. Blocks on file I/O.
  static Result<SubjectPseudonym> Open(const std::string& path, bool create);

  // HMAC-SHA-256 of `subject_key` (registry::SubjectKey's form), 32 raw bytes; empty for an
  // empty key.
  std::string Of(std::string_view subject_key) const;

 private:
  explicit SubjectPseudonym(std::string_view key) : hmac_(std::make_shared<HmacSha256>(key)) {}
  std::shared_ptr<const HmacSha256> hmac_;
};

}  // namespace gallery::audit
