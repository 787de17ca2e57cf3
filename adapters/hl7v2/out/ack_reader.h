// Reading the acknowledgement a recipient's system sends back for one outbound message.
#pragma once

#include <string>
#include <string_view>

namespace gallery::hl7v2 {

struct AckReading {
  bool accepted = false;  // MSA-1 AA or CA, and MSA-2 is the message's control id
  // When not accepted, why, naming codes and control ids only: "answered AE",
  // "answered AA for control id X, not Y", "the answer is not an HL7 ACK (...)".
  std::string problem;
  std::string detail;  // MSA-3 as sent (the receiver's text: may quote values)
};

// Reads `answer` (one MLLP payload) as the ACK for the message whose MSH-10 is
// `control_id`. Pure.
AckReading ReadAck(std::string_view answer, std::string_view control_id);

}  // namespace gallery::hl7v2
