// Findings about pairs of rules: a rule that adds nothing because another already shares
// all it does ("shadowed"), and two rules that share the same records with different
// consent modes ("consent-conflict").
#pragma once

#include <vector>

#include "hub/common/agency.h"
#include "hub/governance/finding.h"
#include "hub/governance/rule_scope.h"
#include "hub/router/rule.h"

namespace gallery::governance {

// Inputs shared by the pair checks; every vector is parallel to `rules` except `protocols`
// (indexed by Rule::protocol_index) and `agencies` (indexed like the scopes). Each rule's
// finding is placed at positions of `rules`' own defined_at.
struct RulePairInput {
  const std::vector<router::Rule>& rules;
  const std::vector<router::Protocol>& protocols;
  const std::vector<Agency>& agencies;
  const std::vector<RuleScope>& scopes;
  const std::vector<bool>& live;  // false for rules already reported as never matching
};

// Rule R is shadowed by S when S covers every (source, type, recipient) R does, lets
// through at least R's paths and labels, is at least as permissive on consent, expires no
// sooner, and a recipient could not tell them apart (same purpose; same headings
// translation). Decided conservatively; of two identical rules only the later is reported.
void FindShadowedRules(const RulePairInput& input, std::vector<Finding>& findings);

// Two rules that certainly share some record from one source to one recipient with
// different consent modes. Either rule is enough to share, so the more permissive mode
// is the one in effect; reported on the later rule, naming the other.
void FindConsentConflicts(const RulePairInput& input, std::vector<Finding>& findings);

}  // namespace gallery::governance
