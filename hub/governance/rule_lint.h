// LintRules: the checks of `hubctl rules check` beyond what the loader rejects: rules that
// can never match, types and fields the catalogue does not know, protocols due for review
// or missing governance details, consent overrides, and the pair checks of shadowing.h.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/agency.h"
#include "hub/governance/catalogue.h"
#include "hub/governance/finding.h"
#include "hub/governance/rule_positions.h"
#include "hub/router/rule.h"

namespace gallery::governance {

struct LintOptions {
  std::chrono::sys_days today;  // review dates are compared with this day
  int soon_days = 30;           // a review date this close, or closer, is a warning
};

// The loaded rule set, as the lint reads it. Everything must outlive the call.
struct LintInput {
  const std::vector<router::Rule>& rules;
  const std::vector<router::Protocol>& protocols;  // indexed by Rule::protocol_index
  const std::vector<Agency>& agencies;
  const RulePositions& positions;
  // nullptr when the rules folder has none: one note at `catalogue_path` says that types,
  // headings and fields were not checked.
  const Catalogue* catalogue = nullptr;
  std::string catalogue_path;
};

// Every finding, unsorted. Pure: no I/O; thread-safe.
//   errors:   sends-to-itself, everything-excluded, protocol-expired
//   warnings: no-configured-agency, identifiers-only, unknown-record-type, unknown-field,
//             unknown-label, shadowed, consent-conflict, review-due-soon,
//             missing-review-date, missing-approval, missing-owners, missing-legal-basis
//   notes:    consent-override, no-catalogue
std::vector<Finding> LintRules(const LintInput& input, const LintOptions& options);

// "YYYY-MM-DD" as a day; nullopt when malformed or not a calendar date.
std::optional<std::chrono::sys_days> ParseDate(std::string_view text);

}  // namespace gallery::governance
