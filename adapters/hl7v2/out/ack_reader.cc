#include "adapters/hl7v2/out/ack_reader.h"

#include "adapters/hl7v2/escape.h"
#include "adapters/hl7v2/parser.h"

namespace gallery::hl7v2 {

AckReading ReadAck(std::string_view answer, std::string_view control_id) {
  AckReading reading;
  auto messages = ParseAll(answer);
  if (!messages.ok()) {
    reading.problem = "the answer is not an HL7 ACK (" + messages.status().message() + ")";
    return reading;
  }
  if (messages->empty() || !messages->front().ok()) {
    reading.problem =
        "the answer is not an HL7 ACK (" +
        (messages->empty() ? std::string("no message") : messages->front().status().message()) +
        ")";
    return reading;
  }
  const Message& ack = *messages->front();
  const Segment* msa = ack.Find("MSA");
  if (msa == nullptr) {
    reading.problem = "the answer is not an HL7 ACK (no MSA segment)";
    return reading;
  }
  const std::string code(msa->Field(1));
  auto echoed = Unescape(msa->Field(2), ack.delimiters, Charset::kUtf8);
  auto detail = Unescape(msa->Field(3), ack.delimiters, Charset::kUtf8);
  if (detail.ok()) reading.detail = *detail;
  if (!echoed.ok() || *echoed != control_id) {
    reading.problem = "answered " + code + " for control id " +
                      (echoed.ok() ? *echoed : std::string(msa->Field(2))) + ", not " +
                      std::string(control_id);
    return reading;
  }
  if (code == "AA" || code == "CA") {
    reading.accepted = true;
    return reading;
  }
  reading.problem = "answered " + (code.empty() ? std::string("no MSA-1 code") : code);
  return reading;
}

}  // namespace gallery::hl7v2
