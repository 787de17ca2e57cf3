// InvolvementAlertRule: a protocol's instruction to tell an agency holding a relationship
// with a person when another agency sends a given type of record about that person, and to
// tell the sender whom to contact (rule language v2, `involvement_alerts:`;
// routing-rules/README.md, "Involvement alerts").
#pragma once

#include <string>
#include <vector>

#include "hub/router/rule.h"

namespace gallery::router {

// Value type; immutable once in a RuleSet. When an agency in `senders` sends a record whose
// type is one of `types` about a person with an active relationship `relationship` held by
// an agency in `holders`, while the protocol is not past its review date and the person's
// consent state allows it under `consent` (for `purpose`), the holder is alerted and the
// sender is told whom to contact. Neither learns any content of the other's records.
struct InvolvementAlertRule {
  std::string id;        // unique across the rule set, sharing rules' ids included
  std::string protocol;  // the protocol (file) that defines it
  size_t protocol_index = 0;  // into RuleSet::protocols()
  std::string description;
  SourceLocation defined_at;

  std::vector<Party> senders;      // agencies and kinds whose records trigger it
  std::vector<std::string> types;  // exact record types, e.g. "attendance.unscheduled"
  std::string relationship;        // registry relationship name, e.g. "child-protection-plan"
  std::vector<Party> holders;      // agencies and kinds alerted when they hold it
  std::string purpose;             // the rule's own, else its protocol's
  ConsentMode consent = ConsentMode::kObjectionRespected;  // the rule's own, else protocol's
  std::string justification;       // required when consent is kOverride
};

}  // namespace gallery::router
