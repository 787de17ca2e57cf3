// AgencyKey: one agency public key the hub accepts, from the config or the key folder, and
// the `valid_until` dates that bound it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gallery::security {

// Value type.
struct AgencyKey {
  std::string agency;      // the agency the key authenticates
  std::string public_key;  // Z85
  // Unix seconds from which the key is refused: the start (UTC) of the day after its
  // valid_until date. Absent: no end.
  std::optional<int64_t> refused_from;
  std::string origin;      // "file:line" where it was declared, for errors and logs
};

// "YYYY-MM-DD" as the Unix second at which a key valid until that day (inclusive, UTC)
// stops being valid. nullopt when `date` is not such a date. Pure.
std::optional<int64_t> ParseValidUntil(std::string_view date);

}  // namespace gallery::security
