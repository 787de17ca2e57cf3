// Reading the fields a registry fact comes from: by name ignoring case, in any
// section, as text or as a date, whatever the field's type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gallery/v1/record.pb.h"

namespace gallery::registry {

// The first field named `name` (ignoring ASCII case) in any of `record`'s
// sections, in order; nullptr when there is none. Pure; thread-safe.
const v1::Field *FindField(const v1::Record &record, std::string_view name);

// The field's value as text: text and dates as they are, a coded value's code
// (else its display), numbers and booleans spelled out. Empty when the field
// has no value.
std::string FieldText(const v1::Field &field);

// Lower-cased ASCII copy of `text`, trimmed of surrounding spaces.
std::string Normalised(std::string_view text);

// An instant, in microseconds since the epoch: "YYYY-MM-DD" (midnight UTC) or
// an RFC 3339 date-time. nullopt when `text` is neither.
std::optional<int64_t> ParseInstant(std::string_view text);

// The instant a field holds: a date or date-time field, or text that is one, or
// the start of a period as the FHIR adapter writes it ("A to B", "from A").
// nullopt when unreadable or open at the start ("until B").
std::optional<int64_t> FieldInstant(const v1::Field &field);

// The record's occurred_at, else its received_at, in microseconds since the
// epoch.
int64_t RecordInstant(const v1::Record &record);

} // namespace gallery::registry
