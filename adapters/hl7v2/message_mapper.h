// The translator at the heart of the HL7 v2 adapter: one parsed message and a mapping in,
// one gallery.v1.Record out. No I/O, no clock, deterministic.
#pragma once

#include <string>

#include "adapters/hl7v2/mapping_spec.h"
#include "adapters/hl7v2/message.h"
#include "gallery/v1/record.pb.h"
#include "hub/common/result.h"

namespace gallery::hl7v2 {

// "ADT^A01": MSH-9.1 and MSH-9.2, or EVN-1 when MSH-9.2 is empty (v2.1-style senders).
// "" when MSH-9.1 is empty. Only letters and digits are kept, so the result is safe to
// log and to quote in errors.
std::string MessageType(const Message& message);

// MSH-10, decoded; "" when empty or not decodable.
std::string ControlId(const Message& message);

// The Record for `message`. The same message always gives the same Record (record id from
// MSH-4 and MSH-10, or the visit number; recorded_at only when mapped), so a resend is
// stored once. Errors are kInvalidArgument listing every problem, separated by "; ", each
// naming its place and never a value:
//   "message 1, segment 1 (MSH), field 9: message type ORM^O01 is not in the mapping of agency
//    hosp-general"
//   "message 1, segment 3 (PID), field 3: NHS number: check digit does not match"
//   "message 1, segment 3 (PID), field 7: not an HL7 date (YYYYMMDD[HHMM[SS]])"
// Thread-safe.
Result<v1::Record> MapMessage(const MappingSpec& spec, const Message& message);

}  // namespace gallery::hl7v2
