// An HL7 v2 message split into segments and fields, with the delimiters its MSH declares.
// Field text stays encoded (escapes intact) until a value is asked for: see value_reader.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/charset.h"

namespace gallery::hl7v2 {

// The separators of one message, from MSH-1 and MSH-2. Senders are allowed fewer than
// four encoding characters; a missing one is '\0' and then never splits or escapes.
struct Delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
  char truncation = '\0';  // v2.7's fifth encoding character, usually '#'

  // MSH-2 as these delimiters would write it ("^~\&", or "^~\&#" with truncation).
  std::string EncodingCharacters() const;
};

struct Segment {
  std::string name;  // "PID", "ZZ1", ...
  int index = 0;     // 1-based position in its message; blank lines are not counted
  // fields[n] is field n, encoded and already UTF-8; fields[0] is the name. For MSH,
  // fields[1] is the field separator and fields[2] the encoding characters, so that the
  // numbers match HL7's MSH-1, MSH-2, ...
  std::vector<std::string> fields;

  // Field `n` as encoded, or "" when the segment is shorter.
  std::string_view Field(size_t n) const {
    return n < fields.size() ? std::string_view(fields[n]) : std::string_view();
  }
};

// Plain data; thread-compatible. Made by ParseMessage (parser.h).
struct Message {
  int number = 0;  // 1-based position in its file, or the connection's message count
  Delimiters delimiters;
  Charset charset = Charset::kUtf8;  // of the bytes as received; `fields` are UTF-8 now
  std::vector<Segment> segments;     // segments[0] is MSH

  const Segment& msh() const { return segments.front(); }
  // The first segment named `name`, or nullptr.
  const Segment* Find(std::string_view name) const;
  // Every segment named `name`, in message order.
  std::vector<const Segment*> FindAll(std::string_view name) const;
  // "message 2, segment 4 (PID), field 3": where an error is, never what is there.
  std::string Where(const Segment& segment, int field = 0) const;
};

// "message N, segment I (NAME)" and ", field F" when `field` > 0.
std::string Place(int message, int segment, std::string_view name, int field = 0);

}  // namespace gallery::hl7v2
