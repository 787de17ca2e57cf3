// The HL7 v2 form of one Record value: OBX-2 (value type) and OBX-5, and the date and time
// formats the outbound messages use.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <optional>
#include <string>
#include <string_view>

#include "adapters/hl7v2/message.h"
#include "gallery/v1/record.pb.h"

namespace gallery::hl7v2 {

struct ObxValue {
  std::string type;     // OBX-2: ST, TX, NM, DT, TS, CE or CWE
  std::string encoded;  // OBX-5, escaped for `delimiters`
};

// `field`'s value: text as ST (TX when it is longer than 200 characters or has line breaks,
// written as \.br\), integer and decimal as NM, date as DT, date_time as TS (UTC), coded
// and boolean (Y/N of HL7 table 0136) as `coded_type` (CE or CWE). nullopt when the field
// has no value (e.g. redacted). Pure.
std::optional<ObxValue> EncodeValue(const v1::Field& field, const Delimiters& delimiters,
                                    std::string_view coded_type);

// `t` as an HL7 TS in UTC, "YYYYMMDDHHMMSS+0000"; "" for the unset (zero) timestamp. Pure.
std::string Hl7Timestamp(const google::protobuf::Timestamp& t);

// An ISO "YYYY-MM-DD" date as HL7 DT "YYYYMMDD"; other text unchanged but for its '-'. Pure.
std::string Hl7Date(std::string_view iso_date);

}  // namespace gallery::hl7v2
