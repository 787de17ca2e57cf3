// The path vocabulary of rule files: "Heading/Field" section fields, "@subject/<name>"
// demographics, and record-type patterns; each validated and compiled once at load.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "hub/common/result.h"
#include "hub/router/glob.h"

namespace gallery::router {

// Demographics a rule may let through, in the order of gallery.v1.Demographics; every
// other subject field (NHS number, local ids, registered GP) always travels.
enum class Demographic {
  kGivenName,
  kFamilyName,
  kBirthDate,
  kGender,
  kAddress,
  kPostcode,
  kPhone
};
inline constexpr std::array<std::string_view, 7> kDemographicNames = {
    "given_name", "family_name", "birth_date", "gender", "address", "postcode", "phone"};
inline constexpr std::string_view kSubjectPrefix = "@subject/";

// "@subject/postcode" for kPostcode.
std::string DemographicPath(Demographic d);

// One include/exclude entry of a rule. "Finances" means the whole section, so it is
// compiled as "Finances/*"; `written` keeps the text for explanations.
struct PathPattern {
  std::string written;
  Glob glob;
};

// Validates an include/exclude entry. Errors are kInvalidArgument whose message (without
// position; the caller adds it) says what is wrong: empty parts, spaces around '/', an
// unknown "@subject/<name>" or '@' prefix.
Result<PathPattern> CompilePathPattern(std::string_view written);

// Validates a `types` entry: "*" or "domain.event" in lower case, digits and hyphens, where
// either part may use '*' ("referral.*"). Errors as for CompilePathPattern.
Result<Glob> CompileTypePattern(std::string_view written);

}  // namespace gallery::router
