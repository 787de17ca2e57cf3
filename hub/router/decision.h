// The outcome of routing one record: who receives what, and who does not and why.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gallery/v1/record.pb.h"

namespace gallery::router {

// One record, redacted for one recipient.
struct Disclosure {
  std::string recipient;               // agency id
  std::vector<std::string> rule_ids;   // every rule that permitted it, sorted
  v1::Record redacted;                 // what travels: only permitted sections and fields
  std::vector<std::string> withheld;   // paths removed: "Heading/Field", "@subject/postcode"
};

// A decision not to disclose a record to an agency.
inline constexpr std::string_view kNoRule = "no-rule";
inline constexpr std::string_view kNoRelationship = "no-relationship";
inline constexpr std::string_view kLabel = "label";

struct Withholding {
  std::string agency;  // agency id
  std::string reason;  // e.g. "no rule permits adt.admission from hosp-general"
  // The reason's kind, for counting: kNoRule, kNoRelationship or kLabel.
  std::string_view kind;
};

struct Decision {
  std::vector<Disclosure> disclosures;    // sorted by recipient
  std::vector<Withholding> withholdings;  // every other configured agency but the source
};

}  // namespace gallery::router
