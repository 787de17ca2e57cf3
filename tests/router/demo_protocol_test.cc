// The demo protocols, routing-rules/, against the demo region's agencies
// (deploy/demo/hub.yaml): they load, and the single assessment protocol (written in rule
// language v1) shares what the pilot agreed and nothing more.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "hub/config/hub_config.h"
#include "hub/router/rule_set.h"
#include "tests/router/router_test_util.h"

namespace gallery::router {
namespace {

using test_util::AddSection;
using test_util::MakeRecord;
using test_util::PathsOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class DemoProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = config::LoadHubConfig(std::string(GALLERY_SOURCE_DIR) + "/deploy/demo/hub.yaml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto set = RuleSet::LoadDirectory(std::string(GALLERY_SOURCE_DIR) + "/routing-rules",
                                      config->agencies);
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    rules_ = *set;
  }

  // With a withholding for every agency but the source, as explaining the protocol does.
  Decision RouteAll(const v1::Record& record) {
    return rules_->Route(record, NoSubjectState(), PlanScope::kEveryAgency);
  }

  const Disclosure* Find(const Decision& decision, std::string_view recipient) {
    for (const Disclosure& d : decision.disclosures) {
      if (d.recipient == recipient) return &d;
    }
    return nullptr;
  }

  std::vector<std::string> Recipients(const Decision& decision) {
    std::vector<std::string> out;
    for (const Disclosure& d : decision.disclosures) out.push_back(d.recipient);
    return out;
  }

  std::shared_ptr<const RuleSet> rules_;
};

v1::Record Assessment(const std::string& source, const std::string& ods) {
  v1::Record record = MakeRecord(source, "assessment.single", ods);
  v1::Demographics& d = *record.mutable_subject()->mutable_demographics();
  d.set_given_name("Edith");
  d.set_family_name("Example");
  d.set_birth_date("1936-02-29");
  d.add_address_lines("1 Mill Lane");
  d.set_postcode("ZZ1 1ZZ");
  d.set_phone("01632 960000");
  AddSection(record, "Personal care", {{"Washing", "needs help"}});
  AddSection(record, "Mobility", {{"Walking", "frame"}});
  AddSection(record, "Home environment", {{"Stairs", "steep"}});
  AddSection(record, "Carers", {{"Main carer", "daughter"}});
  AddSection(record, "Finances", {{"Income", "pension"}});
  AddSection(record, "Health conditions", {{"Diabetes", "type 2"}, {"Low mood", "yes"}})
      .mutable_fields(1)
      ->add_sensitivity_labels("mental-health");
  return record;
}

TEST_F(DemoProtocolTest, LoadsWithSapRuleIdsAndNamesNoGpPracticeDirectly) {
  size_t sap_rules = 0;
  for (const Rule& rule : rules_->rules()) {
    if (rule.protocol != "single-assessment-older-people") continue;
    ++sap_rules;
    EXPECT_THAT(rule.id, StartsWith("sap-"));
    EXPECT_FALSE(rule.description.empty()) << rule.id;
    for (const Party& to : rule.to) {
      // Practices are reached only through the registration relationship.
      EXPECT_NE(to.ToString(), "kind:gp-practice") << rule.id;
      EXPECT_NE(to.ToString(), "gp-riverside") << rule.id;
      EXPECT_NE(to.ToString(), "gp-hillview") << rule.id;
    }
  }
  EXPECT_GT(sap_rules, 0u);
}

TEST_F(DemoProtocolTest, AnotherPracticesPatientNeverReachesRiverside) {
  for (const char* source : {"asc-county", "dn-central"}) {
    const Decision decision = rules_->Route(Assessment(source, "A81002"));
    EXPECT_EQ(Find(decision, "gp-riverside"), nullptr) << source;
    EXPECT_NE(Find(decision, "gp-hillview"), nullptr) << source;
  }
  const Decision discharge = RouteAll(MakeRecord("hosp-general", "adt.discharge", "A81002"));
  EXPECT_EQ(Find(discharge, "gp-riverside"), nullptr);
  EXPECT_THAT(discharge.withholdings,
              Contains(::testing::AllOf(::testing::Field(&Withholding::agency, "gp-riverside"),
                                        ::testing::Field(&Withholding::kind, kNoRelationship))));
  const Decision referral = rules_->Route(MakeRecord("gp-hillview", "referral.request", "A81002"));
  EXPECT_EQ(Find(referral, "gp-riverside"), nullptr);
}

TEST_F(DemoProtocolTest, AnAssessmentReachesEachAgencyInItsAgreedForm) {
  const Decision decision = rules_->Route(Assessment("asc-county", "A81002"));
  EXPECT_THAT(Recipients(decision), ElementsAre("dn-central", "gp-hillview", "housing-homesafe"));

  const Disclosure* gp = Find(decision, "gp-hillview");
  ASSERT_NE(gp, nullptr);
  EXPECT_THAT(gp->rule_ids, ElementsAre("sap-assessment-to-gp"));
  EXPECT_THAT(gp->withheld, ElementsAre("Finances/*"));  // mental health included

  const Disclosure* dn = Find(decision, "dn-central");
  ASSERT_NE(dn, nullptr);
  EXPECT_THAT(dn->withheld, ElementsAre("Finances/*", "Health conditions/Low mood"));

  const Disclosure* housing = Find(decision, "housing-homesafe");
  ASSERT_NE(housing, nullptr);
  EXPECT_THAT(PathsOf(housing->redacted),
              ElementsAre("@subject/given_name", "@subject/family_name", "@subject/address",
                          "@subject/postcode", "Home environment/Stairs"));
  EXPECT_THAT(housing->withheld, Contains("Health conditions/*"));
  EXPECT_THAT(housing->withheld, Contains("@subject/birth_date"));

  // No rule considered anybody else, so the hub records no withholding for this record.
  EXPECT_THAT(decision.withholdings, IsEmpty());
}

TEST_F(DemoProtocolTest, SocialCareSeesTheDistrictNursesWholeAssessment) {
  const Decision decision = rules_->Route(Assessment("dn-central", "A81001"));
  EXPECT_THAT(Recipients(decision), ElementsAre("asc-county", "gp-riverside", "housing-homesafe"));
  const Disclosure* asc = Find(decision, "asc-county");
  ASSERT_NE(asc, nullptr);
  // The mental-health field is withheld: the rule does not list that label.
  EXPECT_THAT(asc->withheld, ElementsAre("Health conditions/Low mood"));
}

TEST_F(DemoProtocolTest, DischargesGoToTheGpNursesAndSocialCareButNeverHousing) {
  v1::Record record = MakeRecord("hosp-general", "adt.discharge", "A81001");
  record.mutable_subject()->mutable_demographics()->set_given_name("Edith");
  AddSection(record, "Discharge summary", {{"Diagnosis", "fractured neck of femur"}});
  AddSection(record, "Medication", {{"Alendronic acid", "70 mg weekly"}});
  AddSection(record, "Follow-up", {{"Fracture clinic", "6 weeks"}});
  const Decision decision = rules_->Route(record);
  EXPECT_THAT(Recipients(decision), ElementsAre("asc-county", "dn-central", "gp-riverside"));
  EXPECT_THAT(Find(decision, "gp-riverside")->withheld, IsEmpty());
  EXPECT_THAT(PathsOf(Find(decision, "dn-central")->redacted),
              ElementsAre("@subject/given_name", "Medication/Alendronic acid",
                          "Follow-up/Fracture clinic"));
  EXPECT_THAT(PathsOf(Find(decision, "asc-county")->redacted),
              ElementsAre("@subject/given_name", "Follow-up/Fracture clinic"));
  bool housing_told = false;
  for (const Withholding& w : RouteAll(record).withholdings) {
    if (w.agency != "housing-homesafe") continue;
    housing_told = true;
    EXPECT_EQ(w.reason, "no rule permits adt.discharge from hosp-general");
  }
  EXPECT_TRUE(housing_told);
}

TEST_F(DemoProtocolTest, GpReferralsGoToDistrictNursingAndSocialCareOnly) {
  const Decision decision = RouteAll(MakeRecord("gp-riverside", "referral.request", "A81001"));
  EXPECT_THAT(Recipients(decision), ElementsAre("asc-county", "dn-central"));
  // Everyone else, but the source, is told.
  EXPECT_EQ(decision.withholdings.size(), rules_->agencies().size() - 3);
}

TEST_F(DemoProtocolTest, UnlistedRecordTypesAreNotShared) {
  const Decision decision = rules_->Route(MakeRecord("hosp-general", "adt.admission", "A81001"));
  EXPECT_THAT(decision.disclosures, IsEmpty());
}

}  // namespace
}  // namespace gallery::router
