// HL7 v2 escape sequences: decoding a leaf value to plain UTF-8 text, and encoding text so
// it can be written into a field (ACK messages).
#pragma once

#include <string>
#include <string_view>

#include "adapters/hl7v2/charset.h"
#include "adapters/hl7v2/message.h"
#include "hub/common/result.h"

namespace gallery::hl7v2 {

// Decodes the escapes of one leaf value (a component or subcomponent already split off);
// `encoded` is UTF-8. Thread-safe. Rules:
//   \F\ \S\ \T\ \R\ \E\ \P\  the field, component, subcomponent, repetition, escape and
//                            truncation characters of `delimiters`;
//   \Xhhhh..\                bytes in the message's `charset`, converted to UTF-8; 00
//                            bytes are dropped (senders pad 8-bit text to 16-bit units);
//   \.br\ \.sp\              a line break;
//   \H\ \N\ \.fi\ \.nf\ \.ce\   highlighting and layout: dropped, as are \.in..\ \.ti..\ and
//                            \.sk..\ (indents and skips).
// An escape character with no closing one, or an unknown sequence ("\5 re.\", "\Z..\"),
// is kept as written: dropping it would silently change clinical text.
// Errors (kInvalidArgument, naming no value): "\C..\ or \M..\ switches the character set,
// which is not supported"; "hex escape gives bytes that are not valid UTF-8" (or not
// ASCII when the message says ASCII).
Result<std::string> Unescape(std::string_view encoded, const Delimiters& delimiters,
                             Charset charset);

// `text` with every delimiter of `delimiters` escaped, and CR/LF written as \X0D\ \X0A\,
// so that it can stand as one leaf value. Thread-safe.
std::string Escape(std::string_view text, const Delimiters& delimiters);

}  // namespace gallery::hl7v2
