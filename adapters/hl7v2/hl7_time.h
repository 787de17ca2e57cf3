// HL7 v2 dates and times (DT, DTM, TS): "YYYY[MM[DD[HHMM[SS[.S...]]]]][+/-ZZZZ]".
#pragma once

#include <optional>
#include <string_view>

#include "adapters/csv/value_parsers.h"

namespace gallery::hl7v2 {

// The parts of `text` when it is an HL7 date/time that names at least a full day and is a
// real date and time (day within its month, hour < 24, ...). Fractions of a second are
// dropped; a time without an offset is read as UTC. nullopt for anything else, including
// year-only and month-only values, which a Record cannot hold. Thread-safe.
std::optional<csv::DateTimeParts> ParseHl7DateTime(std::string_view text);

}  // namespace gallery::hl7v2
