// CurveZMQ keys as Gallery stores them: Z85 text (40 characters), one key per file.
// Validation, key pairs and reading key files; no sockets.
#pragma once

#include <string>
#include <string_view>

#include "hub/common/result.h"

namespace gallery::security {

inline constexpr size_t kZ85KeyChars = 40;

// True when `text` is a 40-character Z85 string that decodes to a 32-byte key. Thread-safe.
bool IsZ85Key(std::string_view text);

// A CURVE key pair, both halves Z85.
struct KeyPair {
  std::string public_key;
  std::string secret_key;
};

// A fresh key pair from libsodium's random source. kInternal when libzmq was built without
// CURVE. Thread-safe.
Result<KeyPair> NewKeyPair();

// The public half of Z85 `secret_key`. kInvalidArgument when it is not a Z85 key.
Result<std::string> PublicKeyOf(std::string_view secret_key);

// The key on the first line of the file at `path` (surrounding blanks ignored). kNotFound or
// kFailedPrecondition when it cannot be read; kInvalidArgument "path:1: ..." when that line
// is not a Z85 key. The message never quotes the line: it may be a secret. Blocks on I/O.
Result<std::string> ReadKeyFile(const std::string& path);

// Its first characters, enough to tell keys apart in logs; never a whole key.
std::string KeyPrefix(std::string_view z85_key);

}  // namespace gallery::security
