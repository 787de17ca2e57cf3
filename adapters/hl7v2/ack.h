// Building HL7 v2 acknowledgements (original mode): AA when the hub has the record, AE with
// a reason when the message can never be taken as it is, AR when the sender should retry.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/hl7v2/message.h"

namespace gallery::hl7v2 {

enum class AckCode { kAccept, kError, kReject };  // MSA-1 AA, AE, AR

// "AA", "AE", "AR".
std::string_view AckCodeName(AckCode code);

// Parses only the MSH of `bytes` (the first segment starting "MSH"), so that a message
// whose body is broken can still be answered with its own delimiters, applications and
// control id. nullopt when there is no usable MSH.
std::optional<Message> ParseHeaderOnly(std::string_view bytes);

// The ACK for `message` (nullptr when not even its MSH could be read: standard delimiters
// are used and MSA-2 is empty). The ACK's MSH swaps the sending and receiving application
// and facility, carries `control_id` (MSH-10) and `timestamp` (MSH-7, HL7 DTM), and
// keeps the message's processing id, version and MSH-18; its MSA-2 echoes the message's
// MSH-10. For AE and AR, `reason` (which must not hold patient values) goes in MSA-3 and
// an ERR segment, with the error location when the reason names one ("segment 3 (PID),
// field 7"). Written in the message's own delimiters and character set; segments end in CR.
// Thread-safe.
std::string BuildAck(const Message* message, AckCode code, std::string_view reason,
                     std::string_view control_id, std::string_view timestamp);

}  // namespace gallery::hl7v2
