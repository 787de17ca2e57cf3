// InvolvementRule: a protocol's permission for some agencies to learn which others are
// involved with a person (rule language v2, `involvement:`; routing-rules/README.md).
#pragma once

#include <string>
#include <vector>

#include "hub/router/rule.h"

namespace gallery::router {

// Value type; immutable once in a RuleSet. Lets every agency in `askers`, asking for
// `purpose`, learn that an agency in `reveals` has an active relationship with the person,
// while the protocol is not past its review date and the person's consent state allows it
// under `consent`. Nothing else is revealed: which agency, its contact point, since when.
struct InvolvementRule {
  std::string id;        // unique across the rule set, sharing rules' ids included
  std::string protocol;  // the protocol (file) that defines it
  size_t protocol_index = 0;  // into RuleSet::protocols()
  std::string description;
  SourceLocation defined_at;

  std::vector<Party> askers;   // agencies and kinds that may ask
  std::vector<Party> reveals;  // agencies and kinds whose involvement they may learn of
  std::string purpose;         // the rule's own, else its protocol's
  ConsentMode consent = ConsentMode::kObjectionRespected;  // the rule's own, else protocol's
  std::string justification;   // required when consent is kOverride
  // False when the rule lets an asker with no relationship with the person ask
  // (`asker_relationship: not-required`), e.g. children's social care safeguarding.
  bool asker_needs_relationship = true;
};

}  // namespace gallery::router
