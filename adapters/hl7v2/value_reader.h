// Reading decoded values out of a parsed message by the paths HL7 people write: "PID-5.1"
// (segment, field, component), "PID-11.5.1" (subcomponent), "PV1-3" (whole field).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/message.h"
#include "hub/common/result.h"

namespace gallery::hl7v2 {

struct FieldPath {
  std::string segment;   // "PID"
  int field = 0;         // 1-based
  int component = 0;     // 1-based; 0 means the whole field
  int subcomponent = 0;  // 1-based; 0 means the whole component

  std::string ToString() const;  // "PID-5.1"
};

// kInvalidArgument "'PID5' is not a field path like PID-5 or PID-5.1" for anything else.
Result<FieldPath> ParseFieldPath(std::string_view text);

// The repetitions of an encoded field (one, possibly empty, when it does not repeat).
std::vector<std::string_view> Repetitions(std::string_view field, const Delimiters& d);

// Component `n` (1-based) of an encoded repetition, "" when there are fewer.
std::string_view Component(std::string_view repetition, int n, const Delimiters& d);

// The decoded text at `path` in repetition `repetition` of `segment` (which must be named
// path.segment), trimmed of spaces. "" when absent, and for HL7's explicit null `""`.
// A whole field or component reads as its non-empty parts joined by single spaces.
// Errors are Unescape's, prefixed with the place: "message 1, segment 3 (PID), field 5: ...".
Result<std::string> ReadValue(const Message& message, const Segment& segment,
                              const FieldPath& path, size_t repetition = 0);

// ReadValue in the first segment named path.segment; "" when the message has none.
Result<std::string> ReadFirst(const Message& message, const FieldPath& path);

}  // namespace gallery::hl7v2
