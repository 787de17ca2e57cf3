// The words of rule language v2 that are values rather than keys: purposes, consent modes
// and review dates, each checked once when the rules load.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hub/router/rule.h"

namespace gallery::router {

bool IsPurpose(std::string_view text);
// "direct-care, safeguarding, service-planning": for error messages.
std::string PurposeList();

std::optional<ConsentMode> ConsentModeFromName(std::string_view name);
// "required, objection-respected, override": for error messages.
std::string ConsentModeList();

// Days since 1970-01-01 of a real calendar date written "YYYY-MM-DD", or nullopt.
std::optional<int64_t> DaysSinceEpoch(std::string_view date);

inline constexpr int64_t kMicrosPerDay = int64_t{86'400} * 1'000'000;

}  // namespace gallery::router
