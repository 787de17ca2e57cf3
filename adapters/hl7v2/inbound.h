// What the listener does with one framed message: parse, map and check it, hand the record
// to the hub, and answer with the ACK the outcome calls for (see README "ACKs").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/hl7_mapping.h"
#include "adapters/common/hub_bridge.h"
#include "adapters/hl7v2/mllp_framing.h"

namespace gallery::hl7v2 {

// The translator's verdict on one framed message, before the hub is asked.
struct Prepared {
  std::optional<Message> header;    // the message, or just its MSH; unset when unreadable
  std::optional<v1::Record> record;  // set when the message is ready to publish
  std::string reason;                // why not, when `record` is unset (never a value)
};

// Parses `message` as one HL7 message, maps it with `mapping` and applies the hub's own
// record checks. No I/O; thread-safe. Refusals: too large, not exactly one message,
// parse and mapping errors, and ValidateRecord's.
Prepared PrepareMessage(const MllpMessage& message, const Hl7Mapping& mapping,
                        size_t max_message_bytes);

// The status the hub gave a record, as an ACK code: AA when stored (duplicates too), AE
// when it will never be taken as it is (kInvalidArgument, kPermissionDenied,
// kFailedPrecondition), AR otherwise, so that the sender retries.
AckCode AckCodeFor(const Status& hub_status);

// Not thread-safe: used from the listener's one thread. `mapping` and `hub` must outlive it.
class InboundHandler {
 public:
  InboundHandler(const Hl7Mapping& mapping, adapters::HubBridge& hub, size_t max_message_bytes)
      : mapping_(mapping), hub_(hub), max_message_bytes_(max_message_bytes) {}

  // Answers `message`: `reply` is called exactly once with the ACK (unframed), at once
  // for a refusal, or when the hub has answered. `peer` names the connection in logs.
  void Handle(const MllpMessage& message, const std::string& peer,
              std::function<void(std::string)> reply);

 private:
  std::string NextControlId();

  const Hl7Mapping& mapping_;
  adapters::HubBridge& hub_;
  size_t max_message_bytes_;
  uint32_t sequence_ = 0;
};

// Now as an HL7 DTM in UTC: "20240609213244+0000".
std::string Hl7Now();

}  // namespace gallery::hl7v2
