#include "hub/governance/explain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hub/governance/record_json.h"
#include "tests/governance/governance_test_util.h"

namespace gallery::governance {
namespace {

using testing::Assessment;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Protocol;

// A subject who objected to every sharing, by the consent record "consent-1".
class ObjectingSubject final : public router::SubjectState {
 public:
  router::ConsentView Consent(const v1::Subject&, std::string_view,
                              std::string_view) const override {
    return {router::ConsentStatus::kObjected, "consent-1"};
  }
  void ForEachRelationship(
      const v1::Subject&,
      const std::function<void(std::string_view, std::string_view)>&) const override {}
};

const std::string kRules = Protocol("p", R"(headings:
  - to: [housing]
    rename:
      "Home environment": "Property"
)") + R"(  - id: home-to-housing
    from: [asc]
    types: [assessment.single]
    to: [housing]
    include: ["Home environment", "@subject/postcode"]
  - id: safeguarding-to-dn
    from: [asc]
    types: [assessment.single]
    to: [dn]
    include: ["*"]
    exclude: ["Finances"]
    purpose: safeguarding
    consent: override
    justification: risk of serious harm
)";

std::shared_ptr<const router::RuleSet> Rules() {
  auto set = router::RuleSet::LoadString(kRules, "p.yaml", testing::TestAgencies());
  EXPECT_TRUE(set.ok()) << set.status().message();
  return set.ok() ? *set : nullptr;
}

TEST(ExplainTest, RecipientSeesItsFieldsUnderItsOwnHeadingsWithTheRuleBehindThem) {
  const auto rules = Rules();
  ASSERT_NE(rules, nullptr);
  const Explanation e =
      ExplainRecord(*rules, Assessment("r1"), router::NoSubjectState(), "housing");
  ASSERT_EQ(e.agencies.size(), 1u);
  const AgencyOutcome& housing = e.agencies[0];
  EXPECT_TRUE(housing.receives);
  EXPECT_THAT(housing.paths, ElementsAre("@subject/postcode", "Property/Stairs"));
  EXPECT_THAT(housing.renamed, ElementsAre("Home environment -> Property"));
  EXPECT_THAT(housing.withheld, ElementsAre("Finances/*"));
  ASSERT_EQ(housing.rules.size(), 1u);
  EXPECT_EQ(housing.rules[0].id, "home-to-housing");
  EXPECT_EQ(housing.rules[0].protocol, "p");
  EXPECT_EQ(housing.rules[0].purpose, "direct-care");
  EXPECT_EQ(housing.rules[0].legal_basis, "UK GDPR 6(1)(e)");
  EXPECT_FALSE(housing.rules[0].override_used);
}

TEST(ExplainTest, EveryOtherAgencyIsListedWithTheReasonItIsWithheld) {
  const auto rules = Rules();
  ASSERT_NE(rules, nullptr);
  const Explanation e = ExplainRecord(*rules, Assessment("r1"), ObjectingSubject(), "");
  std::vector<std::string> agencies;
  for (const AgencyOutcome& a : e.agencies) agencies.push_back(a.agency);
  EXPECT_THAT(agencies, ElementsAre("dn", "gp-a", "gp-b", "housing"));
  const AgencyOutcome& housing = e.agencies[3];
  EXPECT_FALSE(housing.receives);
  EXPECT_EQ(housing.kind, "objection");
  EXPECT_THAT(housing.reason, HasSubstr("home-to-housing"));
  EXPECT_EQ(e.agencies[1].kind, "no-rule");
}

TEST(ExplainTest, OverrideIsFlaggedWithTheConsentStateItSetAside) {
  const auto rules = Rules();
  ASSERT_NE(rules, nullptr);
  const Explanation e = ExplainRecord(*rules, Assessment("r1"), ObjectingSubject(), "dn");
  ASSERT_EQ(e.agencies.size(), 1u);
  const AgencyOutcome& dn = e.agencies[0];
  ASSERT_TRUE(dn.receives);
  EXPECT_THAT(dn.paths, ElementsAre("@subject/postcode", "Home environment/Stairs"));
  ASSERT_EQ(dn.rules.size(), 1u);
  EXPECT_TRUE(dn.rules[0].override_used);
  EXPECT_EQ(dn.rules[0].consent, router::ConsentMode::kOverride);
  EXPECT_EQ(dn.rules[0].purpose, "safeguarding");
  EXPECT_EQ(dn.rules[0].overridden, "objected");
  EXPECT_EQ(dn.rules[0].overridden_by_record, "consent-1");
}

TEST(ExplainTest, ACorrectionListsEarlierRecipientsWithWhatTheyWereGiven) {
  const auto rules = Rules();
  ASSERT_NE(rules, nullptr);
  v1::Record amendment = Assessment("r1-v2");
  amendment.set_amends("r1");
  // gp-a had the original's stairs only, under rules since changed.
  const std::vector<router::EarlierRecipient> earlier = {{"gp-a", {"Home environment/Stairs"}}};
  const Explanation e =
      ExplainRecord(*rules, amendment, router::NoSubjectState(), "gp-a", earlier);
  EXPECT_EQ(e.corrects, "r1");
  ASSERT_EQ(e.agencies.size(), 1u);
  const AgencyOutcome& gp = e.agencies[0];
  ASSERT_TRUE(gp.receives);
  EXPECT_EQ(gp.basis, "correction-of-disclosed");
  EXPECT_TRUE(gp.rules.empty());
  EXPECT_THAT(gp.paths, ElementsAre("Home environment/Stairs"));
  EXPECT_THAT(gp.withheld, ElementsAre("@subject/postcode", "Finances/*"));
}

TEST(RecordJsonTest, ErrorsNameTheFileAndTheField) {
  auto record = ParseRecordJson(R"({"recordId": "r1", "sectoins": []})", "rec.json");
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(record.status().message(), HasSubstr("rec.json"));
  EXPECT_THAT(record.status().message(), HasSubstr("sectoins"));
}

TEST(RecordJsonTest, ProtobufJsonMappingIsAccepted) {
  auto record = ParseRecordJson(
      R"({"recordId": "r1", "sourceAgency": "asc", "recordType": "assessment.single",
          "sections": [{"heading": "Home environment", "fields": [{"name": "Stairs", "text": "x"}]}]})",
      "rec.json");
  ASSERT_TRUE(record.ok()) << record.status().message();
  EXPECT_EQ(record->sections(0).fields(0).name(), "Stairs");
}

}  // namespace
}  // namespace gallery::governance
