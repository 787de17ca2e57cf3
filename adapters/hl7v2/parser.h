// Parsing HL7 v2 bytes: a file or an MLLP frame is split into messages (batch wrappers
// FHS/BHS/BTS/FTS checked and dropped), and each message into segments and fields.
#pragma once

#include <string_view>
#include <vector>

#include "adapters/hl7v2/message.h"
#include "hub/common/result.h"

namespace gallery::hl7v2 {

// One message's segment lines, pointing into the input given to SplitMessages.
struct MessageText {
  int number = 0;                          // 1-based, in input order
  std::vector<std::string_view> segments;  // segments[0] starts with "MSH"
};

// Splits `bytes` into messages. Segments end with CR, LF or CRLF (also mixed); blank and
// all-space lines are skipped, the last segment needs no terminator, and a UTF-8 byte
// order mark at the start is dropped. FHS, BHS, BTS and FTS are checked and left out.
// Errors are kInvalidArgument for the input as a whole, naming the segment's position in
// it: "segment 2 (EVN) of the input: segment before the first MSH", "... (FHS) of the
// input: a file has at most one FHS", "no MSH segment". Thread-safe; no I/O.
Result<std::vector<MessageText>> SplitMessages(std::string_view bytes);

// Parses one message: delimiters from MSH-1 and MSH-2 (one to five encoding characters,
// taken by position: component, repetition, escape, subcomponent, truncation), the
// character set from MSH-18, and every segment's fields converted to UTF-8. Errors are
// kInvalidArgument naming the place and never a value: "message 1, segment 1 (MSH),
// field 2: encoding characters must differ from each other and from MSH-1", "message 1,
// segment 6 (WHOOPS): not a segment name (three capital letters or digits)", "message 3,
// segment 1 (MSH), field 4: bytes that are not valid UTF-8 (...)". Thread-safe; no I/O.
Result<Message> ParseMessage(const MessageText& text);

// SplitMessages, then ParseMessage for each: one result per message, so that a bad message
// does not hide the good ones around it. The outer error is SplitMessages'.
Result<std::vector<Result<Message>>> ParseAll(std::string_view bytes);

}  // namespace gallery::hl7v2
