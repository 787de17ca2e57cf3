// Strict parsers for the typed cells of a CSV mapping: integers, decimals, yes/no, and
// dates or date-times in a declared strptime-like format. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "hub/common/result.h"

namespace gallery::csv {

// An optional sign then decimal digits, within int64; nothing else (no spaces, no
// thousands separators). Returns nullopt otherwise.
std::optional<int64_t> ParseInteger(std::string_view s);

// A plain decimal such as "-12.5", "3", ".5" or "1e3"; rejects inf/nan, hex and spaces.
std::optional<double> ParseDecimal(std::string_view s);

// yes/no, y/n, true/false, 1/0, ignoring ASCII case. Returns nullopt otherwise.
std::optional<bool> ParseBoolean(std::string_view s);

// The FHIR administrative genders a Record carries: male, female, other, unknown.
bool IsGender(std::string_view s);

// A calendar date and time of day as written in a cell, with the UTC offset if given.
struct DateTimeParts {
  int year = 0, month = 0, day = 0;
  int hour = 0, minute = 0, second = 0;
  int utc_offset_seconds = 0;  // from %z; 0 (UTC) when the format has none

  std::string IsoDate() const;  // "YYYY-MM-DD"
  // The instant; a date without time is midnight, a time without %z is UTC.
  google::protobuf::Timestamp ToTimestamp() const;
};

// A compiled date format. Directives: %Y (4-digit year), %m (month, 1-2 digits), %d (day,
// 1-2 digits), %b / %B (English month name, abbreviated / full, any case), %H, %M, %S (1-2
// digits), %z ("Z", +HH:MM or +HHMM), %% (a percent sign). Every other byte must match
// itself. Two-digit years are not supported on purpose: a birth year "34" is ambiguous.
// Immutable value type.
class DateFormat {
 public:
  // kInvalidArgument naming the problem: an unknown or repeated directive, a trailing
  // '%', or a format without year, month and day.
  static Result<DateFormat> Compile(std::string_view pattern);

  // The parts when `text` matches the whole format and names a real date and time
  // (day within its month, hour < 24, ...); nullopt otherwise.
  std::optional<DateTimeParts> Parse(std::string_view text) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Piece {
    char directive = 0;  // 0 for a literal
    std::string literal;
  };

  std::string pattern_;
  std::vector<Piece> pieces_;
};

}  // namespace gallery::csv
