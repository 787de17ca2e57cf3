// Sharing-rule documents (hub/router: RuleSet::LoadString), checked against the demo
// region's agencies so that rules naming them get past the agency checks.
#include "hub/router/rule_set.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

std::vector<gallery::Agency> DemoAgencies() {
  return {{"gp-riverside", "Riverside Surgery", "gp-practice", "A81001"},
          {"gp-hillview", "Hillview Practice", "gp-practice", "A81002"},
          {"dn-central", "District nursing", "community-health", ""},
          {"asc-county", "Adult social care", "adult-social-care", ""},
          {"housing-homesafe", "HomeSafe", "housing", ""},
          {"hosp-general", "General hospital", "hospital", ""},
          {"slt-community", "Speech and language therapy", "community-health", ""},
          {"paed-therapy", "Paediatric therapy", "community-health", ""},
          {"edpsych-county", "Educational psychology", "education", ""},
          {"csc-county", "Children's social care", "childrens-social-care", ""},
          {"police-county", "Police", "police", ""},
          {"school-brook", "Brook School", "education", ""}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<gallery::Agency> agencies = DemoAgencies();
  (void)gallery::router::RuleSet::LoadString(gallery::fuzz::AsText(data, size), "rules.yaml",
                                             agencies);
  return 0;
}
