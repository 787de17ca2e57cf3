// The audit log's hashes: SHA-256 of contents, and the chain hash that links each entry to
// the one before it.
#pragma once

#include <string>
#include <string_view>

namespace gallery::audit {

inline constexpr size_t kHashBytes = 32;

// The 32 raw bytes of SHA-256(`bytes`). Thread-safe.
std::string Sha256(std::string_view bytes);

// An entry's hash: SHA-256(prev_hash || entry bytes as stored). Thread-safe.
std::string ChainHash(std::string_view prev_hash, std::string_view entry);

// The first entry's prev_hash.
inline std::string ZeroHash() { return std::string(kHashBytes, '\0'); }

// Lower-case hex of `bytes`.
std::string Hex(std::string_view bytes);

}  // namespace gallery::audit
