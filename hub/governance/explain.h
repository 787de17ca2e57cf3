// ExplainRecord: the dry run of `hubctl rules explain`: what one record would do under a
// rule set, agency by agency, with the rules, protocols and consent modes behind it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/router/rule_set.h"
#include "hub/router/subject_state.h"

namespace gallery::governance {

// One rule that permitted a disclosure.
struct PermittingRule {
  std::string id;
  std::string protocol;
  router::SourceLocation defined_at;
  std::string purpose;
  std::string legal_basis;
  router::ConsentMode consent = router::ConsentMode::kObjectionRespected;
  // For an override that set aside the subject's consent state: that state ("objected" ...)
  // and the record that set it. Empty `overridden` when nothing was set aside.
  std::string overridden;
  std::string overridden_by_record;
  bool override_used = false;
};

// What one agency would receive, or why not.
struct AgencyOutcome {
  std::string agency;
  bool receives = false;
  // Receives: the paths that travel, under the headings the recipient reads, in record
  // order; the headings renamed for it ("Source heading -> Its heading"); what is removed
  // (source headings); the permitting rules.
  std::vector<std::string> paths;
  std::vector<std::string> renamed;
  std::vector<std::string> withheld;
  std::vector<PermittingRule> rules;
  // Receives on no rule: why ("correction-of-disclosed", router/decision.h).
  std::string basis;
  // Withheld: why, and the reason's kind (router/decision.h).
  std::string reason;
  std::string kind;
};

struct Explanation {
  std::string record_id;
  std::string corrects;  // the record it amends or retracts; empty for none
  std::string source_agency;
  std::string record_type;
  std::vector<AgencyOutcome> agencies;  // sorted by agency id
};

// Plans `record` with PlanScope::kEveryAgency, adding for a correction the agencies in
// `earlier` that received the record it corrects (RuleSet::AddCorrectionGrants). With
// `only_agency` not empty, keeps that agency alone. Names paths, never values. Pure but for
// `state`; thread-safe.
Explanation ExplainRecord(const router::RuleSet& rules, const v1::Record& record,
                          const router::SubjectState& state, std::string_view only_agency,
                          std::span<const router::EarlierRecipient> earlier = {});

}  // namespace gallery::governance
