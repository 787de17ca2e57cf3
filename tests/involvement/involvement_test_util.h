// Agencies, protocol and records for the involvement tests.
#pragma once

#include <string>
#include <vector>

#include "hub/common/agency.h"

namespace gallery::involvement::testing {

inline std::vector<Agency> TestAgencies() {
  return {{"gp-riverside", "Riverside Surgery", "gp-practice", "A81001"},
          {"gp-hillside", "Hillside Practice", "gp-practice", "A81002"},
          {"hosp-general", "General Hospital", "hospital", ""},
          {"asc-county", "County Adult Social Care", "adult-social-care", "", "0300 123 4000"},
          {"dn-central", "Central District Nursing", "community-health", ""},
          {"housing-homesafe", "HomeSafe Housing", "housing", "", "tenancy@homesafe.example"},
          {"csc-county", "County Children's Social Care", "childrens-social-care", ""}};
}

// District nurses learn of social care and housing, practices of community services and
// social care, the hospital of GP practices; children's social care may ask, for
// safeguarding, about anyone, whatever the person's consent and with no relationship.
inline constexpr const char* kProtocol = R"(
protocol: who-else
version: 1
review_by: 2099-12-31
purpose: direct-care
consent: objection-respected
involvement:
  - id: dn-learns-care-and-housing
    askers: [kind:community-health]
    reveals: [kind:adult-social-care, housing-homesafe]
  - id: gp-learns-community
    askers: [kind:gp-practice]
    reveals: [kind:community-health, kind:adult-social-care]
  - id: hospital-learns-gp
    askers: [hosp-general]
    reveals: [kind:gp-practice]
  - id: csc-safeguarding
    askers: [csc-county]
    reveals: [kind:gp-practice, kind:community-health, kind:adult-social-care, kind:housing]
    purpose: safeguarding
    consent: override
    justification: Children Act 1989 s.47 enquiries need to know who else is involved.
    asker_relationship: not-required
)";

}  // namespace gallery::involvement::testing
