// Corrections: an amendment or a retraction reaches every agency that received the record
// it corrects, with no more than that agency was given, whatever the rules say now.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hub/router/correction.h"
#include "hub/router/redaction.h"
#include "hub/router/rule_set.h"
#include "tests/router/router_test_util.h"

namespace gallery::router {
namespace {

using test_util::AddSection;
using test_util::DemoAgencies;
using test_util::MakeRecord;
using test_util::PathsOf;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::shared_ptr<const RuleSet> Load(const std::string& rules) {
  auto set = RuleSet::LoadString("protocol: t\nversion: 1\nrules:\n" + rules, "t.yaml",
                                 DemoAgencies());
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return set.ok() ? *set : nullptr;
}

// Today's rules: the assessment goes to district nursing only, in full.
constexpr const char* kToNursing = R"(  - id: to-dn
    from: asc-county
    types: assessment.single
    to: dn-central
    include: ["*"]
)";

// The assessment as first sent, and the amendment with a section added since.
v1::Record Original() {
  v1::Record record = MakeRecord("asc-county", "assessment.single");
  record.set_record_id("asc:1");
  record.mutable_subject()->mutable_demographics()->set_postcode("AB1 2CD");
  record.mutable_subject()->mutable_demographics()->set_family_name("Smith");
  AddSection(record, "Home", {{"Stairs", "s"}, {"Heating", "h"}});
  AddSection(record, "Finances", {{"Income", "i"}});
  return record;
}

v1::Record Amendment() {
  v1::Record record = Original();
  record.set_record_id("asc:1-v2");
  record.set_amends("asc:1");
  AddSection(record, "Mental health", {{"Diagnosis", "d"}});
  return record;
}

struct Copy {
  const Grant* grant = nullptr;
  v1::Record redacted;
  std::vector<std::string> withheld;
};

// Each grant's copy of `record`, as the hub would serialize it.
std::vector<Copy> Copies(const v1::Record& record, const RoutePlan& plan) {
  std::vector<Copy> out;
  for (const Grant& grant : plan.grants) {
    Copy& copy = out.emplace_back();
    copy.grant = &grant;
    const View& view = plan.views[grant.view];
    copy.redacted = Redact(record, plan.items, view.allowed, view.headings, copy.withheld);
  }
  return out;
}

std::vector<std::string> Recipients(const RoutePlan& plan) {
  std::vector<std::string> out;
  for (const Grant& grant : plan.grants) out.push_back(grant.recipient);
  return out;
}

TEST(CorrectionTest, DisclosedPathsAreTheOriginalsPathsButThoseWithheld) {
  EXPECT_THAT(DisclosedPaths(Original(), {"@subject/postcode", "Finances/*"}),
              ElementsAre("@subject/family_name", "Home/Stairs", "Home/Heating"));
  EXPECT_THAT(DisclosedPaths(Original(), {"Home/Heating"}),
              ElementsAre("@subject/family_name", "@subject/postcode", "Home/Stairs",
                          "Finances/Income"));
}

TEST(CorrectionTest, AnAmendmentReachesAnEarlierRecipientWithNoMoreThanItWasGiven) {
  auto set = Load(kToNursing);
  const v1::Record amendment = Amendment();
  RoutePlan plan;
  set->Plan(amendment, plan);
  ASSERT_THAT(Recipients(plan), ElementsAre("dn-central"));
  ASSERT_EQ(plan.withholdings.size(), 0u);

  // Housing had the original, without the postcode or the finances, under an older rule.
  const std::vector<EarlierRecipient> earlier = {
      {"housing-homesafe",
       DisclosedPaths(Original(), {"@subject/postcode", "Finances/*"})}};
  set->AddCorrectionGrants(amendment, earlier, plan);

  ASSERT_THAT(Recipients(plan), ElementsAre("dn-central", "housing-homesafe"));
  const std::vector<Copy> copies = Copies(amendment, plan);
  // District nursing: by today's rule, in full.
  EXPECT_THAT(copies[0].grant->rule_ids, ElementsAre("to-dn"));
  EXPECT_TRUE(copies[0].grant->basis.empty());
  EXPECT_THAT(PathsOf(copies[0].redacted),
              ElementsAre("@subject/family_name", "@subject/postcode", "Home/Stairs",
                          "Home/Heating", "Finances/Income", "Mental health/Diagnosis"));
  // Housing: as a correction of what it was given, never the new section.
  EXPECT_THAT(copies[1].grant->rule_ids, IsEmpty());
  EXPECT_THAT(copies[1].grant->purposes, IsEmpty());
  EXPECT_EQ(copies[1].grant->basis, kCorrectionOfDisclosed);
  EXPECT_THAT(PathsOf(copies[1].redacted),
              ElementsAre("@subject/family_name", "Home/Stairs", "Home/Heating"));
  EXPECT_THAT(copies[1].withheld,
              ElementsAre("@subject/postcode", "Finances/*", "Mental health/*"));
  EXPECT_EQ(copies[1].redacted.amends(), "asc:1");
  EXPECT_EQ(copies[1].redacted.subject().nhs_number(), "9990000018");
}

TEST(CorrectionTest, ARetractionCarriesOnlyWhatAlwaysTravels) {
  auto set = Load("  []\n");
  v1::Record retraction = Original();
  retraction.set_record_id("asc:1-withdrawn");
  retraction.set_retracts("asc:1");
  RoutePlan plan;
  set->Plan(retraction, plan);
  ASSERT_THAT(plan.grants, IsEmpty());

  const std::vector<EarlierRecipient> earlier = {
      {"housing-homesafe", DisclosedPaths(Original(), {})}};
  set->AddCorrectionGrants(retraction, earlier, plan);

  const std::vector<Copy> copies = Copies(retraction, plan);
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies[0].grant->basis, kCorrectionOfDisclosed);
  EXPECT_THAT(PathsOf(copies[0].redacted), IsEmpty());
  EXPECT_EQ(copies[0].redacted.retracts(), "asc:1");
  EXPECT_EQ(copies[0].redacted.record_type(), "assessment.single");
  EXPECT_EQ(copies[0].redacted.subject().nhs_number(), "9990000018");
}

TEST(CorrectionTest, TodaysRulesDecideForAnAgencyTheyStillReach) {
  // Today district nursing gets the home section only; it had everything before.
  auto set = Load(R"(  - id: to-dn-home
    from: asc-county
    types: assessment.single
    to: dn-central
    include: [Home]
)");
  const v1::Record amendment = Amendment();
  RoutePlan plan;
  set->Plan(amendment, plan);
  const std::vector<EarlierRecipient> earlier = {
      {"dn-central", DisclosedPaths(Original(), {})}, {"asc-county", {}}};
  set->AddCorrectionGrants(amendment, earlier, plan);

  // One grant, by the rule; the source never receives its own record.
  ASSERT_THAT(Recipients(plan), ElementsAre("dn-central"));
  const std::vector<Copy> copies = Copies(amendment, plan);
  EXPECT_THAT(copies[0].grant->rule_ids, ElementsAre("to-dn-home"));
  EXPECT_THAT(PathsOf(copies[0].redacted), ElementsAre("Home/Stairs", "Home/Heating"));
}

TEST(CorrectionTest, AnEarlierRecipientIsNoLongerListedAsWithheld) {
  auto set = Load(R"(  - id: to-housing-address
    from: asc-county
    types: assessment.single
    to: housing-homesafe
    include: ["@subject/address"]
    consent: required
)");
  const v1::Record amendment = Amendment();
  RoutePlan plan;
  set->Plan(amendment, plan);
  ASSERT_EQ(plan.withholdings.size(), 1u);  // no consent on record
  EXPECT_EQ(plan.withholdings[0].agency, "housing-homesafe");

  const std::vector<EarlierRecipient> earlier = {{"housing-homesafe", {"Home/Stairs"}}};
  set->AddCorrectionGrants(amendment, earlier, plan);
  EXPECT_THAT(plan.withholdings, IsEmpty());
  const std::vector<Copy> copies = Copies(amendment, plan);
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_THAT(PathsOf(copies[0].redacted), ElementsAre("Home/Stairs"));
}

TEST(CorrectionTest, AnAgencyNoLongerConfiguredStillGetsTheCorrection) {
  auto set = Load(kToNursing);
  const v1::Record amendment = Amendment();
  RoutePlan plan;
  set->Plan(amendment, plan);
  // What it was given is unknown (retention took the original): identifiers only.
  const std::vector<EarlierRecipient> earlier = {{"gp-closed", {}}};
  set->AddCorrectionGrants(amendment, earlier, plan);
  ASSERT_THAT(Recipients(plan), ElementsAre("dn-central", "gp-closed"));
  const std::vector<Copy> copies = Copies(amendment, plan);
  EXPECT_THAT(PathsOf(copies[1].redacted), IsEmpty());
  EXPECT_EQ(copies[1].redacted.amends(), "asc:1");
}

}  // namespace
}  // namespace gallery::router
