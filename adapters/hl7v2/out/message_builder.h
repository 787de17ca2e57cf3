// Writing one delivered gallery.v1.Record as an HL7 v2 message, as an OutMapping says:
// MSH, EVN and PV1 (ADT), PID and PD1 from the subject, OBR (ORU), and one OBX per field.
#pragma once

#include <string>
#include <string_view>

#include "adapters/hl7v2/out/out_mapping.h"
#include "gallery/v1/record.pb.h"
#include "hub/common/result.h"

namespace gallery::hl7v2 {

struct OutboundMessage {
  std::string control_id;  // MSH-10, the same for every resend of the record
  std::string type;        // MSH-9 as the mapping writes it
  std::string text;        // the message, segments ending in CR, UTF-8
};

// MSH-10 for `record_id`: "G" and 16 hex digits of its 64-bit FNV-1a hash, so that every
// resend of a record, however often the hub delivers it, carries the same control id
// (17 characters: within the 20 that HL7 v2.5's ST allows). Pure.
std::string ControlIdFor(std::string_view record_id);

// The message for `record`. The event is the mapping's `amend` one when Record.amends is
// set, `retract` when Record.retracts is, `create` otherwise; each OBX carries its
// result status in OBX-11. The record the message is about (the amended or retracted one,
// else the record itself) is OBR-3 and PV1-19, so that a correction finds its original.
// `timestamp` (HL7 TS) goes in MSH-7 and EVN-2. kFailedPrecondition "record type T is not
// in the outbound mapping FILE" when the mapping has no such type. Pure.
Result<OutboundMessage> BuildOutbound(const OutMapping& mapping, const v1::Record& record,
                                      std::string_view timestamp);

}  // namespace gallery::hl7v2
