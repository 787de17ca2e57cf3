// Character sets an HL7 v2 message may declare in MSH-18, and conversion of its bytes to
// UTF-8, so that no invalid UTF-8 ever reaches a protobuf string.
#pragma once

#include <string>
#include <string_view>

#include "hub/common/result.h"
#include "hub/common/status.h"

namespace gallery::hl7v2 {

enum class Charset {
  kUtf8,     // MSH-18 "UNICODE UTF-8", or empty: bytes must be valid UTF-8
  kAscii,    // MSH-18 "ASCII": bytes must be 7-bit
  kLatin1,   // MSH-18 "8859/1"
  kLatin9,   // MSH-18 "8859/15"
};

// The charset MSH-18 names. An empty MSH-18 means UTF-8 (of which ASCII is a part):
// senders that leave it out in practice send ASCII or UTF-8. kInvalidArgument naming the
// value for any other set, e.g. "character set 'ISO IR87' is not supported (supported:
// ASCII, 8859/1, 8859/15, UNICODE UTF-8)". Thread-safe.
Result<Charset> CharsetFromMsh18(std::string_view msh18);

// Appends `bytes`, read in `charset`, to `out` as UTF-8. kInvalidArgument without
// quoting the bytes: "bytes that are not valid UTF-8 (MSH-18 names no other character
// set)" or "bytes outside ASCII although MSH-18 says ASCII". Thread-safe.
Status AppendUtf8(std::string_view bytes, Charset charset, std::string& out);

// `utf8` written in `charset`, for text sent back to the sender (ACKs). Characters the
// charset cannot hold become '?'. Thread-safe.
std::string FromUtf8(std::string_view utf8, Charset charset);

// True when `text` is valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace gallery::hl7v2
