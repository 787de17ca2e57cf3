// The outcome of routing one record: who receives what, and who does not and why.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/router/subject_state.h"

namespace gallery::router {

// A rule with consent mode override that permitted a disclosure, and the subject's consent
// state it overrode: every use is counted and audited.
struct OverrideUse {
  std::string rule_id;
  ConsentStatus consent = ConsentStatus::kNone;  // at decision time
  std::string consent_record_id;                 // the record that set it; empty for kNone
};

// One record, redacted for one recipient.
struct Disclosure {
  std::string recipient;               // agency id
  std::vector<std::string> rule_ids;   // every rule that permitted it, sorted
  std::vector<std::string> purposes;   // those rules' purposes, sorted, unique
  std::vector<OverrideUse> overrides;  // those of the rules that override consent, by rule id
  v1::Record redacted;                 // what travels: only permitted sections and fields
  // Paths removed, under the source's headings: "Heading/Field", "@subject/postcode".
  std::vector<std::string> withheld;
};

// A decision not to disclose a record to an agency, by kind for counting.
inline constexpr std::string_view kNoRule = "no-rule";
inline constexpr std::string_view kNoRelationship = "no-relationship";
inline constexpr std::string_view kLabel = "label";
inline constexpr std::string_view kConsentMissing = "consent-missing";  // `required`, none given
inline constexpr std::string_view kObjection = "objection";  // objected, or consent withdrawn
inline constexpr std::string_view kProtocolExpired = "protocol-expired";  // past review_by

// The basis of a disclosure no current rule permitted: a correction (amendment or
// retraction) sent to an agency that received the record it corrects, redacted to no more
// than that agency was given of it (hub/README.md, "Corrections").
inline constexpr std::string_view kCorrectionOfDisclosed = "correction-of-disclosed";

struct Withholding {
  std::string agency;  // agency id
  // Names the rule, e.g. "label 'mental-health' not permitted by rule sap-to-housing".
  std::string reason;
  std::string_view kind;  // one of the kinds above
};

struct Decision {
  std::vector<Disclosure> disclosures;    // sorted by recipient
  std::vector<Withholding> withholdings;  // sorted by agency; which agencies: see PlanScope
};

}  // namespace gallery::router
