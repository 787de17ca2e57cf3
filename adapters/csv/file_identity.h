// FileIdentity: what tells one dropped export from another that later takes its name, so
// that a resumed import never continues into a different file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hub/common/result.h"

namespace gallery::csv {

// Bytes from the start of a file that FileIdentity hashes: enough to tell exports apart
// (the header and the first rows), cheap to read on every look.
inline constexpr size_t kIdentityHeadBytes = 4096;

// Plain value. Two identities are the same file only when every member matches: the same
// inode can be reused by a new file, and a copied file keeps its size and even its mtime.
struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;    // modification time, nanoseconds since the epoch
  uint64_t head_hash = 0;  // FNV-1a 64 of the first kIdentityHeadBytes bytes

  bool operator==(const FileIdentity&) const = default;
};

// 64-bit FNV-1a of `bytes`. Not cryptographic: it tells files apart, it does not protect them.
uint64_t Fnv1a64(std::string_view bytes, uint64_t seed = 0xcbf29ce484222325ULL);

// Reads the identity of the regular file at `path`. Blocks on I/O; thread-safe.
// kNotFound when it does not exist; kFailedPrecondition when it is not a regular file;
// kUnavailable when it cannot be read.
Result<FileIdentity> IdentifyFile(const std::string& path);

}  // namespace gallery::csv
