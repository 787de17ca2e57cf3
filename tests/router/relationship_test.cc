// Relationships in decisions: the registered GP, allocated workers and any agency with a
// relationship, as the subject state reports them; and which agencies a plan lists.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hub/router/rule_set.h"
#include "tests/router/router_test_util.h"

namespace gallery::router {
namespace {

using test_util::DemoAgencies;
using test_util::FakeSubjectState;
using test_util::MakeRecord;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::shared_ptr<const RuleSet> Load(const std::string& to) {
  auto set = RuleSet::LoadString(
      "protocol: t\nversion: 1\nrules:\n  - id: r\n    from: [hosp-general, gp-riverside]\n"
      "    types: adt.discharge\n    to: " + to + "\n",
      "t.yaml", DemoAgencies());
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return set.ok() ? *set : nullptr;
}

std::vector<std::string> Recipients(const Decision& decision) {
  std::vector<std::string> out;
  for (const Disclosure& d : decision.disclosures) out.push_back(d.recipient);
  return out;
}

std::vector<std::string> Withheld(const Decision& decision) {
  std::vector<std::string> out;
  for (const Withholding& w : decision.withholdings) {
    out.push_back(w.agency + ": " + std::string(w.kind));
  }
  return out;
}

TEST(RelationshipTest, TheRegisteredGpTheStateReportsWinsOverTheRecordsOdsCode) {
  auto set = Load("relationship:registered-gp");
  FakeSubjectState state;
  state.Relate("gp-hillview", "registered-gp");
  // The record still names Riverside (A81001): the registration moved.
  const Decision decision =
      set->Route(MakeRecord("hosp-general", "adt.discharge", "A81001"), state);
  EXPECT_THAT(Recipients(decision), ElementsAre("gp-hillview"));
  // Riverside is listed: a practice someone might expect to receive it.
  ASSERT_EQ(decision.withholdings.size(), 1u);
  EXPECT_EQ(decision.withholdings[0].agency, "gp-riverside");
  EXPECT_EQ(decision.withholdings[0].kind, kNoRelationship);
  EXPECT_EQ(decision.withholdings[0].reason,
            "no relationship: not the subject's registered GP practice (rule r)");
}

TEST(RelationshipTest, WithoutARegistrationInTheStateTheOdsCodeDecides) {
  auto set = Load("relationship:registered-gp");
  FakeSubjectState state;
  state.Relate("dn-central", "allocated-worker");  // not a registration
  state.Relate("gp-nowhere", "registered-gp");     // not configured here: ignored
  const Decision decision =
      set->Route(MakeRecord("hosp-general", "adt.discharge", "a81001"), state);
  EXPECT_THAT(Recipients(decision), ElementsAre("gp-riverside"));
}

TEST(RelationshipTest, AllocatedWorkersAreTheAgenciesWithThatRelationshipOnly) {
  auto set = Load("relationship:allocated-worker");
  FakeSubjectState state;
  state.Relate("dn-central", "allocated-worker");
  state.Relate("asc-county", "allocated-worker");
  state.Relate("housing-homesafe", "tenancy");
  const Decision decision = set->Route(MakeRecord("hosp-general", "adt.discharge"), state);
  EXPECT_THAT(Recipients(decision), ElementsAre("asc-county", "dn-central"));
  // Housing has a relationship, so the hub says why it received nothing.
  EXPECT_THAT(Withheld(decision), ElementsAre("housing-homesafe: no-rule"));
  EXPECT_THAT(Recipients(set->Route(MakeRecord("hosp-general", "adt.discharge"))), IsEmpty());
}

TEST(RelationshipTest, AnyAgencyWithARelationshipReachesEveryRelatedAgencyButTheSource) {
  auto set = Load("relationship:any-agency-with-relationship");
  FakeSubjectState state;
  state.Relate("housing-homesafe", "tenancy");
  state.Relate("gp-riverside", "registered-gp");
  state.Relate("hosp-general", "inpatient");  // the source: never sent its own record
  state.Relate("police-nowhere", "case");     // not configured here: ignored
  const Decision decision = set->Route(MakeRecord("hosp-general", "adt.discharge"), state);
  EXPECT_THAT(Recipients(decision), ElementsAre("gp-riverside", "housing-homesafe"));
  EXPECT_THAT(decision.withholdings, IsEmpty());
}

TEST(RelationshipTest, ThePracticeNeverReceivesItsOwnRecordThroughARelationship) {
  auto set = Load("[relationship:registered-gp, relationship:any-agency-with-relationship]");
  FakeSubjectState state;
  state.Relate("gp-riverside", "registered-gp");
  const Decision decision = set->Route(MakeRecord("gp-riverside", "adt.discharge"), state);
  EXPECT_THAT(decision.disclosures, IsEmpty());
}

TEST(RelationshipTest, ConsideredScopeListsOnlyAgenciesARuleOrARelationshipReached) {
  auto set = RuleSet::LoadString(R"(protocol: t
version: 1
rules:
  - id: to-nurses
    from: hosp-general
    types: adt.discharge
    to: dn-central
  - id: to-social-care
    from: hosp-general
    types: adt.discharge
    to: asc-county
    labels: []
  - id: other-type
    from: hosp-general
    types: adt.admission
    to: housing-homesafe
)",
                                 "t.yaml", DemoAgencies());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  FakeSubjectState state;
  state.Relate("gp-hillview", "registered-gp");
  v1::Record record = MakeRecord("hosp-general", "adt.discharge", "A81001");
  record.add_sensitivity_labels("mental-health");  // stops to-social-care
  const Decision considered = (*set)->Route(record, state);
  EXPECT_THAT(Recipients(considered), IsEmpty());
  // dn-central and asc-county: reached and stopped by the label. gp-hillview: related.
  // gp-riverside: named by the record but not the registered GP. Housing: only a rule for
  // another type names it, so nobody considered it.
  EXPECT_THAT(Withheld(considered),
              ElementsAre("asc-county: label", "dn-central: label", "gp-hillview: no-rule",
                          "gp-riverside: no-rule"));

  const Decision every = (*set)->Route(record, state, PlanScope::kEveryAgency);
  EXPECT_THAT(Withheld(every),
              ElementsAre("asc-county: label", "dn-central: label", "gp-hillview: no-rule",
                          "gp-riverside: no-rule", "housing-homesafe: no-rule"));
}

TEST(RelationshipTest, BothScopesGiveTheSameGrants) {
  auto set = Load("[dn-central, relationship:registered-gp, \"kind:housing\"]");
  FakeSubjectState state;
  state.Relate("asc-county", "allocated-worker");
  const v1::Record record = MakeRecord("hosp-general", "adt.discharge", "A81002");
  RoutePlan considered;
  RoutePlan every;
  set->Plan(record, state, considered);
  set->Plan(record, state, every, PlanScope::kEveryAgency);
  ASSERT_EQ(considered.grants.size(), 3u);
  ASSERT_EQ(every.grants.size(), considered.grants.size());
  for (size_t g = 0; g < every.grants.size(); ++g) {
    EXPECT_EQ(every.grants[g].recipient, considered.grants[g].recipient);
  }
  EXPECT_THAT(considered.withholdings.size(), 1u);  // asc-county, related
  EXPECT_THAT(every.withholdings.size(), 2u);       // and gp-riverside
  EXPECT_EQ(every.withholdings[1].kind, kNoRelationship);
}

TEST(RelationshipTest, AReusedPlanForgetsTheAgenciesOfThePreviousRecord) {
  auto set = Load("[dn-central, relationship:allocated-worker]");
  FakeSubjectState related;
  related.Relate("asc-county", "allocated-worker");
  RoutePlan plan;
  const v1::Record record = MakeRecord("hosp-general", "adt.discharge");
  set->Plan(record, related, plan);
  ASSERT_EQ(plan.grants.size(), 2u);
  set->Plan(record, NoSubjectState(), plan);
  ASSERT_EQ(plan.grants.size(), 1u);
  EXPECT_EQ(plan.grants[0].recipient, "dn-central");
  EXPECT_THAT(plan.withholdings, IsEmpty());
}

}  // namespace
}  // namespace gallery::router
