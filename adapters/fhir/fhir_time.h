// FHIR date and dateTime values (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm:ss[.s](Z|+hh:mm))
// read into what a Record can hold.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <optional>
#include <string>
#include <string_view>

namespace gallery::fhir {

struct FhirDateTime {
  int year = 0, month = 0, day = 0;  // month and day 0 when not given
  bool has_time = false;
  int hour = 0, minute = 0, second = 0, nanos = 0;
  int offset_minutes = 0;  // east of UTC

  bool full_date() const { return day != 0; }
  std::string IsoDate() const;  // "YYYY-MM-DD"; only when full_date()
  // The instant; a date alone is midnight UTC. Only when full_date().
  google::protobuf::Timestamp ToTimestamp() const;
};

// Parses a FHIR date or dateTime; nullopt when it is neither (or names a day that does
// not exist, or a time without a zone, which FHIR forbids).
std::optional<FhirDateTime> ParseFhirDateTime(std::string_view text);

}  // namespace gallery::fhir
